//! The MQTT sink: every event published to an MQTT broker (Mosquitto, Home Assistant's, a
//! receiver's own) on the topic `<prefix>/<kind>` with QoS 1, through the delivery spool, so that a
//! broker that is down loses nothing. A publish counts as delivered once the broker's PUBACK for
//! it has come; otherwise the connection is dropped and made again at the next try. The event id
//! is in the payload for receivers to take each event once (MQTT 3.1.1 has no message headers).

use crate::delivery::{DeliverySink, Transport};
use crate::EventFilter;
use rumqttc::{Client, Connection, Event, MqttOptions, Packet, QoS};
use std::path::Path;
use std::time::{Duration, Instant};

/// How long a publish waits for its PUBACK.
const ACK_TIMEOUT: Duration = Duration::from_secs(10);

/// Host and port of an `mqtt://host[:port]` URL (port 1883 by default).
pub fn parse_mqtt_url(url: &str) -> Result<(String, u16), String> {
    let rest = url
        .strip_prefix("mqtt://")
        .ok_or_else(|| format!("{url}: an MQTT broker is given as mqtt://host[:port]"))?
        .trim_end_matches('/');
    match rest.rsplit_once(':') {
        Some((host, port)) => Ok((
            host.to_string(),
            port.parse()
                .map_err(|_| format!("{url}: {port:?} is not a port"))?,
        )),
        None if !rest.is_empty() => Ok((rest.to_string(), 1883)),
        None => Err(format!("{url}: no host")),
    }
}

impl DeliverySink {
    /// A sink publishing each event to the MQTT broker at `url` on `<prefix>/<kind>`, spooling in
    /// `dir` up to `max_bytes`.
    pub fn mqtt(
        url: &str,
        prefix: &str,
        dir: &Path,
        filter: EventFilter,
        max_bytes: u64,
    ) -> std::io::Result<Self> {
        let (host, port) = parse_mqtt_url(url).map_err(std::io::Error::other)?;
        let (url, prefix) = (url.to_string(), prefix.trim_end_matches('/').to_string());
        let client_id = format!("nofly-{}", std::process::id());
        let mut session: Option<(Client, Connection)> = None;
        let publish: Transport = Box::new(move |_id, json| {
            let kind = serde_json::from_str::<serde_json::Value>(json)
                .ok()
                .and_then(|v| v["kind"].as_str().map(str::to_string))
                .unwrap_or_else(|| "event".into());
            let (client, connection) = session.get_or_insert_with(|| {
                let mut options = MqttOptions::new(client_id.clone(), host.clone(), port);
                options.set_keep_alive(Duration::from_secs(30));
                Client::new(options, 16)
            });
            client
                .publish(
                    format!("{prefix}/{kind}"),
                    QoS::AtLeastOnce,
                    false,
                    json.as_bytes().to_vec(),
                )
                .map_err(|e| format!("{url}: {e}"))?;
            let deadline = Instant::now() + ACK_TIMEOUT;
            let outcome = loop {
                let left = deadline.saturating_duration_since(Instant::now());
                match connection.recv_timeout(left) {
                    Ok(Ok(Event::Incoming(Packet::PubAck(_)))) => break Ok(()),
                    Ok(Ok(_)) => continue,
                    Ok(Err(e)) => break Err(format!("{url}: {e}")),
                    Err(_) => break Err(format!("{url}: no PUBACK within {ACK_TIMEOUT:?}")),
                }
            };
            if outcome.is_err() {
                // A new connection at the next try; the unacknowledged event is sent again.
                session = None;
            }
            outcome
        });
        DeliverySink::open(publish, dir, filter, max_bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_host_and_port() {
        assert_eq!(
            parse_mqtt_url("mqtt://127.0.0.1:1883").unwrap(),
            ("127.0.0.1".into(), 1883)
        );
        assert_eq!(
            parse_mqtt_url("mqtt://broker.local/").unwrap(),
            ("broker.local".into(), 1883)
        );
        assert!(parse_mqtt_url("http://x").is_err());
        assert!(parse_mqtt_url("mqtt://x:port").is_err());
        assert!(parse_mqtt_url("mqtt://").is_err());
    }
}
