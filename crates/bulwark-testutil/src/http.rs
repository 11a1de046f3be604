//! A loopback HTTP/1.1 stand-in for network services outside this machine (osv.dev's bucket,
//! NVD's feeds): serves fixed files from memory on `127.0.0.1`, answers 404 for anything else,
//! and records the paths requested.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

/// A running stand-in; it stops with the test process.
pub struct StaticServer {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    requests: Arc<Mutex<Vec<String>>>,
}

impl StaticServer {
    /// Serves `files` (URL path such as `/Debian/all.zip` → body).
    ///
    /// # Panics
    /// When no loopback port can be bound.
    #[must_use]
    pub fn start(files: Vec<(String, Vec<u8>)>) -> StaticServer {
        #[allow(clippy::expect_used)]
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        #[allow(clippy::expect_used)]
        let base = format!("http://{}", listener.local_addr().expect("local addr"));
        let files: Arc<BTreeMap<String, Vec<u8>>> = Arc::new(files.into_iter().collect());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let log = requests.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(conn) = conn else { continue };
                let (files, log) = (files.clone(), log.clone());
                std::thread::spawn(move || serve(conn, &files, &log));
            }
        });
        StaticServer { base, requests }
    }

    /// The paths requested so far, in order.
    #[must_use]
    pub fn requests(&self) -> Vec<String> {
        self.requests.lock().map(|r| r.clone()).unwrap_or_default()
    }
}

fn serve(conn: TcpStream, files: &BTreeMap<String, Vec<u8>>, log: &Mutex<Vec<String>>) {
    let Ok(read_half) = conn.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(read_half);
    let mut first = String::new();
    if reader.read_line(&mut first).is_err() {
        return;
    }
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
    }
    let path = first
        .split_whitespace()
        .nth(1)
        .unwrap_or_default()
        .to_owned();
    if let Ok(mut l) = log.lock() {
        l.push(path.clone());
    }
    let mut out = conn;
    let _ = match files.get(&path) {
        Some(body) => out
            .write_all(
                format!(
                    "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nETag: \"{}\"\r\nConnection: close\r\n\r\n",
                    body.len(),
                    body.len()
                )
                .as_bytes(),
            )
            .and_then(|()| out.write_all(body)),
        None => out.write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"),
    };
    let _ = out.flush();
}
