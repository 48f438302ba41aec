//! `tambang` — the command-line entry point. Everything lives in the library; this only parses
//! arguments, runs the command and turns an error into one line and a non-zero exit.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    limit_malloc_arenas();
    let cli = tambang::cli::Cli::parse();
    tambang::telemetry::init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(tambang::cli::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// glibc gives every thread that allocates an arena of its own, up to eight per core; the
/// server has tokio's workers, the blocking pool and one thread per SQLite connection, and
/// freed memory scattered over a dozen arenas is rarely returned, so resident memory grew to
/// several times the live heap under load (`tambang bench` measures peak RSS). Two arenas keep
/// it close to what is in use, at no measurable cost in throughput on two cores.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn limit_malloc_arenas() {
    // SAFETY: `mallopt` only changes an allocator setting; it runs before any other thread
    // exists and its return value (0 on an unknown option) needs no handling.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn limit_malloc_arenas() {}
