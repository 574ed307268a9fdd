use std::process::ExitCode;

use offline_console::config::{Command, Config, ConfigLoadError};
use offline_console::server;

/// jemalloc: server-side rendering allocates and frees many small buffers per page, and
/// glibc's malloc spent much of the console's CPU on them under load (docs/performance.md).
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// Built in rather than left to the environment, so the memory bound holds however the
/// console is started. No background purging thread: with it, every freed page woke that
/// thread. The serving threads return freed pages themselves after half a second, long enough
/// not to fault pages back in on every request, short enough to keep memory low
/// (docs/performance.md).
#[allow(non_upper_case_globals)]
#[export_name = "_rjem_malloc_conf"]
pub static malloc_conf: &[u8] = b"background_thread:false,dirty_decay_ms:500,muzzy_decay_ms:0\0";

/// Worker stack size. Debug builds of the server-side rendering of some error
/// pages need more than tokio's 2 MiB default and would abort the process.
const WORKER_STACK_BYTES: usize = 8 * 1024 * 1024;

/// SQLite is C code, so it allocates with glibc's malloc, not jemalloc, and runs each
/// database connection on a thread of its own; glibc gives each of those threads an arena
/// of its own, and what one frees the others cannot reuse. One arena keeps a large bulk job's
/// memory lowest at the same speed (docs/performance.md).
fn limit_c_allocator_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: runs first in `main`, before any other thread exists; it only sets a tunable.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}

fn main() -> ExitCode {
    limit_c_allocator_arenas();
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
    if config.command == Some(Command::SeedDemo) {
        return match offline_console::demo::run(&config).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("offline-console seed-demo: {e}");
                ExitCode::FAILURE
            }
        };
    }
    server::telemetry::init(&config.log_level, config.log_format);
    match server::run(config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("offline-console: {e}");
            ExitCode::FAILURE
        }
    }
}
