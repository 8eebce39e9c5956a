//! `gyokaku` — the command line: import, export, report, check, demo.
#![forbid(unsafe_code)]

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "gyokaku", version, about = "gyokaku (行革): a city's administrative-reform plan through the PDCA cycle")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Validate a plan folder without writing anything; lists every problem.
    ///
    /// Example: gyokaku check examples/annaka
    Check { dir: PathBuf },
    /// Rewrite a plan folder in canonical form (after checking it).
    ///
    /// Example: gyokaku fmt examples/annaka
    Fmt { dir: PathBuf },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check { dir } => match gyokaku_interchange::read_plan_dir(&dir) {
            Ok(doc) => {
                println!("OK: {} {} ({} rows)", doc.header.city.name, doc.header.plan.title, doc.count_rows());
                Ok(())
            }
            Err(e) => Err(e.to_string()),
        },
        Command::Fmt { dir } => gyokaku_interchange::read_plan_dir(&dir)
            .map_err(|e| e.to_string())
            .and_then(|doc| gyokaku_interchange::write_plan_dir(&doc, &dir).map_err(|e| e.to_string())),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprint!("{e}");
            ExitCode::FAILURE
        }
    }
}
