//! The load test's browsers, for `make bench`: signed-in administrators, each on its own
//! keep-alive connection, loading the console's pages one after another.
//!
//! It reads a plan (JSON) on stdin and writes a report (JSON) on stdout. It runs on one
//! thread and does no more per page than a browser's network stack must (send, read the
//! body, time it), because it shares the machine's two cores with the console it measures:
//! the Node.js client it replaces took 0.24 ms of CPU per page, a sixth of the machine.

use loadgen::{run, Plan};
use std::io::Read;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut input = String::new();
    let plan: Plan = match std::io::stdin()
        .read_to_string(&mut input)
        .map_err(|e| e.to_string())
        .and_then(|_| serde_json::from_str(&input).map_err(|e| e.to_string()))
    {
        Ok(plan) => plan,
        Err(e) => {
            eprintln!("loadgen: cannot read the plan on stdin: {e}");
            return ExitCode::FAILURE;
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("loadgen: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(plan)) {
        Ok(report) => {
            println!(
                "{}",
                serde_json::to_string(&report).expect("a report serialises")
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("loadgen: {e}");
            ExitCode::FAILURE
        }
    }
}
