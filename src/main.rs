use std::process::ExitCode;

use offline_console::config::{Config, ConfigLoadError};
use offline_console::server;

#[tokio::main]
async fn main() -> ExitCode {
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
