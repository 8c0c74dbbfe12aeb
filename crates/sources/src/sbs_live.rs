//! A live SBS feed over TCP (`sbs://HOST:PORT`, usually port 30003), reconnecting with backoff.

use crate::sbs::{SbsClock, SbsParser};
use crate::RecordError;
use nofly_model::{EventTime, Report, SourceRef};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::net::TcpStream;
use tokio::sync::mpsc;

/// What the live client tells its consumer.
#[derive(Debug, Clone)]
pub enum LiveEvent {
    /// A decoded report.
    Report(Report),
    /// A malformed line, skipped.
    Malformed(RecordError),
    /// Connected to the feed.
    Connected(String),
    /// The connection failed or dropped; the client retries after the given delay.
    Disconnected {
        /// Why.
        reason: String,
        /// Delay before the next attempt.
        retry_in: Duration,
    },
}

/// Connects to `addr` (`HOST:PORT`) and sends every line's outcome to `tx` until the receiver is
/// dropped. Reconnects after failures with exponential backoff from 0.5 s up to 30 s, reset by
/// every successful connection. Lines without a date take their arrival time (`now()`), since a
/// live feed has no other clock; dated lines keep their own time.
pub async fn sbs_live(addr: String, input_index: u16, tx: mpsc::Sender<LiveEvent>, now: fn() -> EventTime) {
    let mut backoff = Duration::from_millis(500);
    let mut parser = SbsParser::new(SbsClock::Received);
    let mut line_no = 0u64;
    let name = format!("sbs://{addr}");
    loop {
        let failure = match TcpStream::connect(&addr).await {
            Ok(stream) => {
                backoff = Duration::from_millis(500);
                if tx.send(LiveEvent::Connected(name.clone())).await.is_err() {
                    return;
                }
                let mut lines = BufReader::new(stream).lines();
                loop {
                    match lines.next_line().await {
                        Ok(Some(line)) => {
                            line_no += 1;
                            let event = match parser.parse_line_received(&line, SourceRef { input: input_index, record: line_no }, now()) {
                                Ok(Some(r)) => LiveEvent::Report(r),
                                Ok(None) => continue,
                                Err(p) => LiveEvent::Malformed(p.at(&name, line_no)),
                            };
                            if tx.send(event).await.is_err() {
                                return;
                            }
                        }
                        Ok(None) => break "the feed closed the connection".to_string(),
                        Err(e) => break e.to_string(),
                    }
                }
            }
            Err(e) => e.to_string(),
        };
        if tx.send(LiveEvent::Disconnected { reason: failure, retry_in: backoff }).await.is_err() {
            return;
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(Duration::from_secs(30));
    }
}
