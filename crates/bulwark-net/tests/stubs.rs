//! Each deadline against a loopback stub that misbehaves in the matching way: the request fails
//! with the deadline that expired, naming the host, in about that deadline's time.

#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)] // test helpers

use std::io::Read;
use std::time::{Duration, Instant};

use bulwark_net::{Deadline, Expired, Notifier, Timeouts};
use bulwark_testutil::http;

fn timeouts(connect: u64, read: u64, total: u64) -> Timeouts {
    Timeouts {
        connect: Duration::from_millis(connect),
        read: Duration::from_millis(read),
        total: Duration::from_millis(total),
    }
}

/// GETs `url` and reads the whole body under `deadline`; returns the deadline error.
fn fetch(deadline: &Deadline, url: &str) -> bulwark_net::DeadlineError {
    let agent: ureq::Agent = deadline.agent_config().build().into();
    let host = bulwark_net::host_of(url);
    match deadline.bound(agent.get(url)).call() {
        Err(e) => deadline
            .classify(host, &e)
            .unwrap_or_else(|| panic!("not a deadline error: {e}")),
        Ok(resp) => {
            let mut r = deadline.reader(host, resp.into_body().into_reader(), None);
            let mut sink = Vec::new();
            let e = r
                .read_to_end(&mut sink)
                .expect_err("body should not complete");
            assert_eq!(e.kind(), std::io::ErrorKind::TimedOut, "{e}");
            deadline
                .classify_io(host, &e)
                .unwrap_or_else(|| panic!("not a deadline error: {e}"))
        }
    }
}

#[test]
fn accept_and_never_answer_hits_the_read_deadline() {
    let s = http::silent();
    let d = Deadline::start(timeouts(2000, 700, 20_000));
    let t = Instant::now();
    let e = fetch(&d, &format!("{}/v2/", s.url()));
    let took = t.elapsed();
    assert_eq!(e.expired, Expired::Read, "{e}");
    assert!(e.to_string().contains(&s.host()), "{e}");
    assert!(e.to_string().contains("--read-timeout"), "{e}");
    assert!(
        took >= Duration::from_millis(600) && took < Duration::from_secs(5),
        "{took:?}"
    );
    assert_eq!(s.requests().len(), 1);
}

#[test]
fn accept_and_never_read_hits_the_read_deadline() {
    let s = http::hang();
    let d = Deadline::start(timeouts(2000, 700, 20_000));
    let t = Instant::now();
    let e = fetch(&d, &format!("{}/v2/", s.url()));
    assert_eq!(e.expired, Expired::Read, "{e}");
    assert!(t.elapsed() < Duration::from_secs(5));
}

#[test]
fn dripping_body_hits_the_total_deadline() {
    // one byte every 200 ms never trips a 1 s idle deadline; the 2 s total ends it
    let s = http::drip_body(vec![b'x'; 1000], Duration::from_millis(200));
    let d = Deadline::start(timeouts(2000, 1000, 2000));
    let t = Instant::now();
    let e = fetch(&d, &format!("{}/blob", s.url()));
    let took = t.elapsed();
    assert_eq!(e.expired, Expired::Total, "{e}");
    assert!(e.to_string().contains("--timeout"), "{e}");
    assert!(
        took >= Duration::from_millis(1900) && took < Duration::from_secs(6),
        "{took:?}"
    );
}

#[test]
fn dripping_head_hits_the_total_deadline() {
    let s = http::serve(|_| http::Reply::DripHead {
        every: Duration::from_millis(100),
    });
    let d = Deadline::start(timeouts(2000, 1000, 1500));
    let t = Instant::now();
    let e = fetch(&d, &s.url());
    assert_eq!(e.expired, Expired::Total, "{e}");
    assert!(t.elapsed() < Duration::from_secs(6));
}

#[test]
fn unaccepted_connection_hits_the_connect_deadline() {
    let Some(s) = http::unaccepting() else {
        assert!(
            !bulwark_testutil::is_ci(),
            "the kernel accepted beyond the listen backlog; cannot test connect deadlines"
        );
        eprintln!("SKIP: cannot fill the accept queue on this kernel");
        return;
    };
    let d = Deadline::start(timeouts(600, 5000, 20_000));
    let t = Instant::now();
    let e = fetch(&d, &s.url());
    assert_eq!(e.expired, Expired::Connect, "{e}");
    assert!(e.to_string().contains("--connect-timeout"), "{e}");
    assert!(t.elapsed() < Duration::from_secs(5));
}

#[test]
fn watch_reports_a_long_wait() {
    let s = http::silent();
    let d = Deadline::start(timeouts(2000, 6000, 20_000));
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let sink = std::sync::Arc::clone(&seen);
    let notifier = Notifier::new(move |m| sink.lock().unwrap().push(m.to_owned()));
    let w = d.watch(&notifier, &s.host(), "GET /v2/");
    let e = fetch(&d, &format!("{}/v2/", s.url()));
    drop(w);
    assert_eq!(e.expired, Expired::Read);
    let seen = seen.lock().unwrap();
    assert!(!seen.is_empty(), "no notice during a 6 s wait");
    assert!(
        seen[0].contains(&s.host()) && seen[0].contains("still waiting"),
        "{seen:?}"
    );
}

#[test]
fn watch_stays_quiet_while_a_download_moves_and_speaks_when_it_crawls() {
    let notices = |reply: http::Reply| {
        let s = http::serve(move |_| reply.clone());
        let d = Deadline::start(timeouts(2000, 5000, 30_000));
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
        let sink = std::sync::Arc::clone(&seen);
        let notifier = Notifier::new(move |m| sink.lock().unwrap().push(m.to_owned()));
        let agent: ureq::Agent = d.agent_config().build().into();
        let resp = d.bound(agent.get(&s.url())).call().unwrap();
        let watch = d.watch(&notifier, &s.host(), "GET /");
        let mut r = d.reader(&s.host(), resp.into_body().into_reader(), Some(watch));
        let mut sink = Vec::new();
        r.read_to_end(&mut sink).unwrap();
        seen.lock().unwrap().len()
    };
    // 32 KiB every 250 ms for ~6.5 s: 640 KiB per notice interval, moving
    let moving = notices(http::Reply::Trickle {
        body: vec![1u8; 26 * 32 * 1024],
        chunk: 32 * 1024,
        every: Duration::from_millis(250),
    });
    assert_eq!(moving, 0, "a moving download must not be reported");
    // 1 KiB every 250 ms for ~6.5 s: 20 KiB per interval, crawling
    let crawling = notices(http::Reply::Trickle {
        body: vec![1u8; 26 * 1024],
        chunk: 1024,
        every: Duration::from_millis(250),
    });
    assert!(crawling >= 1, "a crawling download must be reported");
}
