//! The NATS sink against the real JetStream server on 127.0.0.1:4222, reached through a loopback
//! proxy that is down at first (nofly restarts meanwhile) and then comes up: every event is in the
//! stream, once.

mod common;
use nofly_model::EventKind;

fn event(i: i64) -> nofly_model::Event {
    common::event(i, EventKind::Enter)
}
use nofly_sinks::{DeliverySink, EventFilter};
use std::net::TcpListener;

#[test]
fn a_jetstream_server_that_is_unreachable_for_a_while_gets_every_event_once() {
    let unique = common::unique();
    let (stream, prefix) = (
        format!("NOFLY_TEST_{unique}"),
        format!("nofly_test_{unique}"),
    );
    let dir = tempfile::tempdir().unwrap();
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("nats://127.0.0.1:{port}");
    let open = || {
        DeliverySink::nats(
            &url,
            &stream,
            &prefix,
            dir.path(),
            EventFilter::default(),
            1 << 20,
        )
        .unwrap()
    };
    common::deliver_across_an_outage(
        open,
        port,
        "127.0.0.1:4222",
        &(0..12).map(event).collect::<Vec<_>>(),
    );

    // Read the stream back directly from the server.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let client = async_nats::connect("127.0.0.1:4222").await.unwrap();
        let js = async_nats::jetstream::new(client);
        let mut s = js.get_stream(&stream).await.unwrap();
        let state = s.info().await.unwrap().state.clone();
        assert_eq!(state.messages, 12, "each event once");
        let first = s.get_raw_message(state.first_sequence).await.unwrap();
        assert_eq!(first.subject.as_str(), format!("{prefix}.enter"));
        let body: serde_json::Value = serde_json::from_slice(&first.payload).unwrap();
        assert_eq!(body["id"], event(0).id.as_str());
        js.delete_stream(&stream).await.unwrap();
    });
}
