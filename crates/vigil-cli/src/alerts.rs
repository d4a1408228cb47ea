//! `vigil alerts check | deliver | list | ack`: the flags, the calls to
//! `vigil_app::alerts` (rules over the store, the outbox, the delivery
//! pass) and the printing.

use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use chrono::Utc;
use vigil_app::alerts::{check_store, deliver, load_rules, DeliverOptions};

use crate::cli::AlertsCommand;
use crate::commands::{open_existing, open_store};
use crate::output::{clip, print_pairs, print_table, Output};

pub fn run(dir: &Path, cmd: AlertsCommand, out: &Output) -> anyhow::Result<ExitCode> {
    match cmd {
        AlertsCommand::Check(args) => {
            let rules = load_rules(args.rules.as_deref())?;
            let narratives = vigil_app::narratives::load(args.narratives.as_deref())?;
            let mut store = open_existing(dir)?;
            let summary = check_store(&mut *store, &rules, &narratives, Utc::now())?;
            if out.json {
                out.json(&summary)?;
            } else if !out.quiet {
                for a in &summary.new_alerts {
                    println!("{}  {}", a.0, crate::output::term(&a.1));
                }
                print_pairs(&[
                    ("new alerts", summary.new_alerts.len().to_string()),
                    ("already recorded", summary.already_recorded.to_string()),
                    ("documents watched", summary.documents_watched.to_string()),
                ]);
                for note in &summary.notes {
                    eprintln!("note: {}", crate::output::term(note));
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        AlertsCommand::Deliver(args) => {
            let rules = load_rules(args.rules.as_deref())?;
            let mut store = open_store(dir)?;
            let summary = deliver(
                &mut *store,
                &rules,
                &DeliverOptions {
                    max_wait: Duration::from_secs(args.max_wait),
                },
            )?;
            if out.json {
                out.json(&summary)?;
            } else if !out.quiet {
                print_pairs(&[
                    ("attempts", summary.attempts.to_string()),
                    ("delivered", summary.delivered.to_string()),
                    ("failed, to retry", summary.retrying.to_string()),
                    ("dead letters", summary.dead.to_string()),
                    ("skipped (channel unusable)", summary.skipped.to_string()),
                    ("still pending", summary.pending.to_string()),
                ]);
            }
            Ok(ExitCode::SUCCESS)
        }
        AlertsCommand::List(args) => {
            let store = open_existing(dir)?;
            let alerts = store.list_alerts(args.unacked, args.limit)?;
            if out.json {
                return out.json(&alerts).map(|_| ExitCode::SUCCESS);
            }
            let rows: Vec<Vec<String>> = alerts
                .iter()
                .map(|a| {
                    vec![
                        a.id.to_string(),
                        a.fired_at.format("%Y-%m-%d %H:%M").to_string(),
                        a.kind.clone(),
                        clip(&a.title, 90),
                        a.acknowledged_by.clone().unwrap_or_default(),
                    ]
                })
                .collect();
            print_table(&["id", "fired", "kind", "title", "acked by"], &rows);
            Ok(ExitCode::SUCCESS)
        }
        AlertsCommand::Ack(args) => {
            let mut store = open_existing(dir)?;
            let by = args
                .by
                .or_else(|| std::env::var("USER").ok())
                .unwrap_or_else(|| "analyst".into());
            let alert = store
                .ack_alert(args.id, &by, Utc::now())
                .with_context(|| format!("acknowledging alert {}", args.id))?;
            if out.json {
                out.json(&alert)?;
            } else if !out.quiet {
                println!(
                    "alert {} acknowledged by {} at {}",
                    alert.id,
                    crate::output::term(&alert.acknowledged_by.unwrap_or_default()),
                    alert
                        .acknowledged_at
                        .map(|t| t.to_rfc3339())
                        .unwrap_or_default()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
