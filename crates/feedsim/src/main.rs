//! `feedsim`: runs the simulator until SIGTERM, Ctrl-C or `--max-seconds`.

use std::io::Write;

use tradelens_feedsim::{Config, ConfigError, Server};

fn main() -> std::process::ExitCode {
    let config = match Config::from_args(std::env::args().skip(1)) {
        Ok(c) => c,
        Err(ConfigError::Help) => {
            println!("{}", tradelens_feedsim::config::USAGE);
            return std::process::ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("feedsim: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("feedsim: cannot start the runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    runtime.block_on(async {
        let server = match Server::start(config).await {
            Ok(s) => s,
            Err(e) => {
                eprintln!("feedsim: cannot listen: {e}");
                return std::process::ExitCode::FAILURE;
            }
        };
        let stop = tradelens_feedsim::server::stop_signal();
        println!("feedsim listening on {}", server.local_addr());
        let _ = std::io::stdout().flush();
        tokio::select! {
            _ = stop => server.shutdown(),
            _ = server.stopped() => {}
        }
        server.wait().await;
        eprintln!("feedsim: stopped");
        std::process::ExitCode::SUCCESS
    })
}
