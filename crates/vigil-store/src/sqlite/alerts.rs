//! Alerts (the in-app feed), their deliveries (the outbox) with every
//! attempt, and the watch rules' cursors.

use chrono::{DateTime, TimeZone, Utc};
use rusqlite::{params, OptionalExtension, Row};
use vigil_model::{
    Alert, AlertEvidence, AlertId, Delivery, DeliveryAttempt, DeliveryStatus, DocumentId, NewAlert,
};

use super::{parse_col, parse_ts, ts, SqliteStore};
use crate::contract::Result;
use crate::StoreError;

const ALERT_COLS: &str =
    "id, rule, kind, dedup_key, title, evidence, fired_at, acknowledged_by, acknowledged_at";

type AlertRow = (
    i64,
    String,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
);

fn alert_row(r: &Row<'_>) -> rusqlite::Result<AlertRow> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
        r.get(8)?,
    ))
}

fn to_alert(row: AlertRow) -> Result<Alert> {
    let (id, rule, kind, dedup_key, title, evidence, fired_at, by, at) = row;
    let evidence: AlertEvidence =
        serde_json::from_str(&evidence).map_err(|e| StoreError::Corrupt {
            table: "alerts",
            column: "evidence",
            message: e.to_string(),
        })?;
    Ok(Alert {
        id: AlertId(id),
        rule,
        kind,
        dedup_key,
        title,
        evidence,
        fired_at: parse_ts(Some(fired_at), "alerts", "fired_at")?.unwrap_or_default(),
        acknowledged_by: by,
        acknowledged_at: parse_ts(at, "alerts", "acknowledged_at")?,
    })
}

const DELIVERY_COLS: &str =
    "id, alert_id, channel, payload, status, attempts, next_attempt_at, last_error";

type DeliveryRow = (i64, i64, String, String, String, i64, i64, Option<String>);

fn delivery_row(r: &Row<'_>) -> rusqlite::Result<DeliveryRow> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
    ))
}

fn to_delivery(row: DeliveryRow) -> Result<Delivery> {
    let (id, alert_id, channel, payload, status, attempts, next, last_error) = row;
    Ok(Delivery {
        id,
        alert_id: AlertId(alert_id),
        channel,
        payload,
        status: parse_col(status, "alert_deliveries", "status")?,
        attempts: attempts.max(0) as u32,
        next_attempt_at: from_ms(next, "next_attempt_at")?,
        last_error,
    })
}

fn from_ms(ms: i64, column: &'static str) -> Result<DateTime<Utc>> {
    Utc.timestamp_millis_opt(ms)
        .single()
        .ok_or_else(|| StoreError::Corrupt {
            table: "alert_deliveries",
            column,
            message: format!("{ms} is not a time in milliseconds"),
        })
}

impl SqliteStore {
    pub(super) fn insert_alert_impl(&mut self, alert: &NewAlert) -> Result<Option<Alert>> {
        let evidence = serde_json::to_string(&alert.evidence)
            .map_err(|e| StoreError::Conflict(format!("alert evidence does not serialize: {e}")))?;
        let tx = self.tx()?;
        let inserted = tx
            .execute(
                "INSERT INTO alerts (rule, kind, dedup_key, title, evidence, fired_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (dedup_key) DO NOTHING",
                params![
                    alert.rule,
                    alert.kind,
                    alert.dedup_key,
                    alert.title,
                    evidence,
                    ts(&alert.fired_at)
                ],
            )
            .map_err(StoreError::sqlite("storing an alert"))?;
        if inserted == 0 {
            return Ok(None);
        }
        let id = tx.last_insert_rowid();
        let stored = Alert {
            id: AlertId(id),
            rule: alert.rule.clone(),
            kind: alert.kind.clone(),
            dedup_key: alert.dedup_key.clone(),
            title: alert.title.clone(),
            evidence: alert.evidence.clone(),
            // As stored: to the second.
            fired_at: parse_ts(Some(ts(&alert.fired_at)), "alerts", "fired_at")?
                .unwrap_or(alert.fired_at),
            acknowledged_by: None,
            acknowledged_at: None,
        };
        let payload = serde_json::to_string(&stored)
            .map_err(|e| StoreError::Conflict(format!("alert does not serialize: {e}")))?;
        for channel in &alert.channels {
            tx.execute(
                "INSERT INTO alert_deliveries (alert_id, channel, payload, status, next_attempt_at)
                 VALUES (?1, ?2, ?3, 'pending', ?4)
                 ON CONFLICT (alert_id, channel) DO NOTHING",
                params![id, channel, payload, alert.fired_at.timestamp_millis()],
            )
            .map_err(StoreError::sqlite("queueing an alert's delivery"))?;
        }
        tx.commit()
            .map_err(StoreError::sqlite("committing an alert"))?;
        Ok(Some(stored))
    }

    pub(super) fn alert_impl(&self, id: AlertId) -> Result<Option<Alert>> {
        self.conn
            .query_row(
                &format!("SELECT {ALERT_COLS} FROM alerts WHERE id = ?1"),
                [id.0],
                alert_row,
            )
            .optional()
            .map_err(StoreError::sqlite("reading an alert"))?
            .map(to_alert)
            .transpose()
    }

    pub(super) fn list_alerts_impl(&self, unacked_only: bool, limit: usize) -> Result<Vec<Alert>> {
        let cond = if unacked_only {
            "WHERE acknowledged_at IS NULL"
        } else {
            ""
        };
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT {ALERT_COLS} FROM alerts {cond} ORDER BY fired_at DESC, id DESC LIMIT ?1"
            ))
            .map_err(StoreError::sqlite("listing alerts"))?;
        let rows: Vec<AlertRow> = stmt
            .query_map([limit as i64], alert_row)
            .and_then(|rows| rows.collect())
            .map_err(StoreError::sqlite("listing alerts"))?;
        rows.into_iter().map(to_alert).collect()
    }

    pub(super) fn alerts_page_impl(&self, f: &crate::AlertFilter) -> Result<Vec<Alert>> {
        let mut conds: Vec<String> = Vec::new();
        let mut args: Vec<rusqlite::types::Value> = Vec::new();
        fn arg(v: rusqlite::types::Value, args: &mut Vec<rusqlite::types::Value>) -> String {
            args.push(v);
            format!("?{}", args.len())
        }
        if f.unacked_only {
            conds.push("acknowledged_at IS NULL".into());
        }
        for (col, values) in [("rule", &f.rules), ("kind", &f.kinds)] {
            if !values.is_empty() {
                let marks: Vec<String> = values
                    .iter()
                    .map(|v| arg(v.clone().into(), &mut args))
                    .collect();
                conds.push(format!("{col} IN ({})", marks.join(", ")));
            }
        }
        if let Some(d) = f.since {
            let m = arg(super::day_start(d).into(), &mut args);
            conds.push(format!("fired_at >= {m}"));
        }
        if let Some(d) = f.until {
            let end = d.succ_opt().unwrap_or(d);
            let m = arg(super::day_start(end).into(), &mut args);
            conds.push(format!("fired_at < {m}"));
        }
        if let Some(a) = &f.after {
            let k = arg(a.key.clone().unwrap_or_default().into(), &mut args);
            let i = arg(a.id.into(), &mut args);
            conds.push(format!("(fired_at < {k} OR (fired_at = {k} AND id < {i}))"));
        }
        let lim = arg((f.limit as i64).into(), &mut args);
        let cond = if conds.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", conds.join(" AND "))
        };
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT {ALERT_COLS} FROM alerts {cond} ORDER BY fired_at DESC, id DESC LIMIT {lim}"
            ))
            .map_err(StoreError::sqlite("listing alerts"))?;
        let rows: Vec<AlertRow> = stmt
            .query_map(rusqlite::params_from_iter(args), alert_row)
            .and_then(|rows| rows.collect())
            .map_err(StoreError::sqlite("listing alerts"))?;
        rows.into_iter().map(to_alert).collect()
    }

    pub(super) fn ack_alert_impl(
        &mut self,
        id: AlertId,
        by: &str,
        at: DateTime<Utc>,
    ) -> Result<Alert> {
        let tx = self.tx()?;
        tx.execute(
            "UPDATE alerts SET acknowledged_by = ?2, acknowledged_at = ?3
              WHERE id = ?1 AND acknowledged_at IS NULL",
            params![id.0, by, ts(&at)],
        )
        .map_err(StoreError::sqlite("acknowledging an alert"))?;
        tx.commit()
            .map_err(StoreError::sqlite("committing an acknowledgement"))?;
        self.alert_impl(id)?
            .ok_or_else(|| StoreError::NotFound(format!("alert {id}")))
    }

    pub(super) fn due_deliveries_impl(
        &self,
        now: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<Delivery>> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT {DELIVERY_COLS} FROM alert_deliveries
                  WHERE status = 'pending' AND next_attempt_at <= ?1
                  ORDER BY next_attempt_at, id LIMIT ?2"
            ))
            .map_err(StoreError::sqlite("listing due deliveries"))?;
        let rows: Vec<DeliveryRow> = stmt
            .query_map(params![now.timestamp_millis(), limit as i64], delivery_row)
            .and_then(|rows| rows.collect())
            .map_err(StoreError::sqlite("listing due deliveries"))?;
        rows.into_iter().map(to_delivery).collect()
    }

    pub(super) fn next_delivery_at_impl(&self) -> Result<Option<DateTime<Utc>>> {
        let ms: Option<i64> = self
            .conn
            .query_row(
                "SELECT min(next_attempt_at) FROM alert_deliveries WHERE status = 'pending'",
                [],
                |r| r.get(0),
            )
            .map_err(StoreError::sqlite("reading the next delivery time"))?;
        ms.map(|ms| from_ms(ms, "next_attempt_at")).transpose()
    }

    pub(super) fn deliveries_impl(&self, alert: AlertId) -> Result<Vec<Delivery>> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT {DELIVERY_COLS} FROM alert_deliveries WHERE alert_id = ?1 ORDER BY id"
            ))
            .map_err(StoreError::sqlite("listing an alert's deliveries"))?;
        let rows: Vec<DeliveryRow> = stmt
            .query_map([alert.0], delivery_row)
            .and_then(|rows| rows.collect())
            .map_err(StoreError::sqlite("listing an alert's deliveries"))?;
        rows.into_iter().map(to_delivery).collect()
    }

    fn delivery(&self, id: i64) -> Result<Option<Delivery>> {
        self.conn
            .query_row(
                &format!("SELECT {DELIVERY_COLS} FROM alert_deliveries WHERE id = ?1"),
                [id],
                delivery_row,
            )
            .optional()
            .map_err(StoreError::sqlite("reading a delivery"))?
            .map(to_delivery)
            .transpose()
    }

    pub(super) fn record_delivery_attempt_impl(
        &mut self,
        delivery: i64,
        a: &DeliveryAttempt,
    ) -> Result<Delivery> {
        let tx = self.tx()?;
        let changed = tx
            .execute(
                "UPDATE alert_deliveries
                    SET status = ?2, attempts = attempts + 1, next_attempt_at = ?3, last_error = ?4
                  WHERE id = ?1 AND status = 'pending'",
                params![
                    delivery,
                    a.status.as_str(),
                    a.next_attempt_at.timestamp_millis(),
                    a.error
                ],
            )
            .map_err(StoreError::sqlite("recording a delivery attempt"))?;
        if changed == 0 {
            drop(tx);
            return match self.delivery(delivery)? {
                None => Err(StoreError::NotFound(format!("delivery {delivery}"))),
                Some(d) => Err(StoreError::Conflict(format!(
                    "delivery {delivery} is {}, not pending",
                    d.status.as_str()
                ))),
            };
        }
        tx.execute(
            "INSERT INTO alert_delivery_attempts (delivery_id, at, http_status, error, status)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                delivery,
                ts(&a.at),
                a.http_status.map(i64::from),
                a.error,
                a.status.as_str()
            ],
        )
        .map_err(StoreError::sqlite("recording a delivery attempt"))?;
        tx.commit()
            .map_err(StoreError::sqlite("committing a delivery attempt"))?;
        self.delivery(delivery)?
            .ok_or_else(|| StoreError::NotFound(format!("delivery {delivery}")))
    }

    pub(super) fn delivery_attempts_impl(&self, delivery: i64) -> Result<Vec<DeliveryAttempt>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT a.at, a.http_status, a.error, a.status, d.next_attempt_at
                   FROM alert_delivery_attempts a JOIN alert_deliveries d ON d.id = a.delivery_id
                  WHERE a.delivery_id = ?1 ORDER BY a.id",
            )
            .map_err(StoreError::sqlite("listing delivery attempts"))?;
        type Row = (String, Option<i64>, Option<String>, String, i64);
        let rows: Vec<Row> = stmt
            .query_map([delivery], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .and_then(|rows| rows.collect())
            .map_err(StoreError::sqlite("listing delivery attempts"))?;
        rows.into_iter()
            .map(|(at, http, error, status, next)| {
                let status: DeliveryStatus =
                    parse_col(status, "alert_delivery_attempts", "status")?;
                Ok(DeliveryAttempt {
                    at: parse_ts(Some(at), "alert_delivery_attempts", "at")?.unwrap_or_default(),
                    http_status: http.and_then(|h| u16::try_from(h).ok()),
                    error,
                    status,
                    // Only the delivery's latest schedule is kept.
                    next_attempt_at: from_ms(next, "next_attempt_at")?,
                })
            })
            .collect()
    }

    pub(super) fn alert_cursor_impl(&self, rule: &str) -> Result<Option<DocumentId>> {
        self.conn
            .query_row(
                "SELECT last_document_id FROM alert_cursors WHERE rule = ?1",
                [rule],
                |r| r.get::<_, i64>(0),
            )
            .optional()
            .map(|o| o.map(DocumentId))
            .map_err(StoreError::sqlite("reading a watch cursor"))
    }

    pub(super) fn set_alert_cursor_impl(&mut self, rule: &str, last: DocumentId) -> Result<()> {
        let tx = self.tx()?;
        tx.execute(
            "INSERT INTO alert_cursors (rule, last_document_id) VALUES (?1, ?2)
             ON CONFLICT (rule) DO UPDATE SET last_document_id = ?2",
            params![rule, last.0],
        )
        .map_err(StoreError::sqlite("moving a watch cursor"))?;
        tx.commit()
            .map_err(StoreError::sqlite("committing a watch cursor"))
    }
}
