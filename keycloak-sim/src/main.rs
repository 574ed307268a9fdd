//! `keycloak-sim --port PORT --import FILE [--import FILE ...] [--data-dir DIR] [--sim-api]`

use clap::Parser;
use keycloak_sim::{RealmSource, SimOptions};
use std::path::PathBuf;

/// jemalloc: under the console's load test glibc's malloc and free took much of the
/// simulator's CPU (JSON in and out of every admin call), and it shares the machine with the
/// console being measured.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[derive(Parser)]
#[command(name = "keycloak-sim", about = "Keycloak-26-compatible HTTP simulator")]
struct Cli {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// Realm-export JSON file to import (repeatable).
    #[arg(long = "import")]
    imports: Vec<PathBuf>,
    /// Keep state in this directory across restarts.
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// Answer the `/_sim/` control API.
    #[arg(long)]
    sim_api: bool,
}

#[tokio::main]
async fn main() {
    let cli = Cli::parse();
    let options = SimOptions {
        port: cli.port,
        imports: cli.imports.into_iter().map(RealmSource::File).collect(),
        data_dir: cli.data_dir,
        sim_api: cli.sim_api,
    };
    let sim = match keycloak_sim::start(options).await {
        Ok(sim) => sim,
        Err(err) => {
            eprintln!("keycloak-sim: {err}");
            std::process::exit(1);
        }
    };
    println!("listening on {}", sim.base_url());
    let _ = tokio::signal::ctrl_c().await;
    sim.shutdown().await;
}
