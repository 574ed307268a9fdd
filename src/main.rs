use std::process::ExitCode;

use offline_console::config::{Config, ConfigLoadError};
use offline_console::server;

/// Worker stack size. Debug builds of the server-side rendering of some error
/// pages need more than tokio's 2 MiB default and would abort the process.
const WORKER_STACK_BYTES: usize = 8 * 1024 * 1024;

fn main() -> ExitCode {
    match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(WORKER_STACK_BYTES)
        .build()
    {
        Ok(runtime) => runtime.block_on(console()),
        Err(e) => {
            eprintln!("offline-console: cannot start the async runtime: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn console() -> ExitCode {
    let config = match Config::load() {
        Ok(config) => config,
        Err(ConfigLoadError::Cli(e)) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
        Err(ConfigLoadError::Invalid(e)) => {
            eprintln!("offline-console: {e}");
            return ExitCode::from(2);
        }
    };
    server::telemetry::init(&config.log_level, config.log_format);
    match server::run(config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("offline-console: {e}");
            ExitCode::FAILURE
        }
    }
}
