//! Misbehaving HTTP servers on loopback for deadline and hostile-input tests: a server that
//! never accepts, one that accepts and never reads, one that reads the request and never
//! answers, ones that drip headers or body a byte at a time, and a scripted one answering each
//! request through a handler (e.g. a registry serving a blob whose digest does not match).
//!
//! Everything listens on 127.0.0.1 only. Dropping a [`StubServer`] closes every connection.

use std::io::{BufRead, BufReader, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One request as the stub saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StubRequest {
    /// `GET`, `HEAD`, ...
    pub method: String,
    /// Path and query.
    pub path: String,
    /// Header lines, names lower-cased.
    pub headers: Vec<(String, String)>,
    /// The request body (`Content-Length` bytes).
    pub body: Vec<u8>,
}

/// How the stub answers one request.
#[derive(Debug, Clone)]
pub enum Reply {
    /// A complete response.
    Full {
        /// Status code.
        status: u16,
        /// Extra headers (`Content-Length` is added).
        headers: Vec<(String, String)>,
        /// Body.
        body: Vec<u8>,
    },
    /// Read the request, then say nothing and keep the connection open.
    Silent,
    /// Send the status line and headers (with the body's `Content-Length`) at once, then the
    /// body one byte per `every`.
    DripBody {
        /// Status code.
        status: u16,
        /// Extra headers.
        headers: Vec<(String, String)>,
        /// Body.
        body: Vec<u8>,
        /// Delay between bytes.
        every: Duration,
    },
    /// Send the status line and headers at once, then the body `chunk` bytes per `every`
    /// (a slow but healthy download).
    Trickle {
        /// Body.
        body: Vec<u8>,
        /// Bytes per step.
        chunk: usize,
        /// Delay between steps.
        every: Duration,
    },
    /// Send the response head itself one byte per `every` (never finishing in practice).
    DripHead {
        /// Delay between bytes.
        every: Duration,
    },
}

impl Reply {
    /// `200` with `body` and a content type.
    #[must_use]
    pub fn ok(content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
        Reply::Full {
            status: 200,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: body.into(),
        }
    }

    /// An empty response with `status`.
    #[must_use]
    pub fn status(status: u16) -> Reply {
        Reply::Full {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }
}

type Handler = dyn Fn(&StubRequest) -> Reply + Send + Sync;

/// A running stub; stops (and drops its connections) when dropped.
#[derive(Debug)]
pub struct StubServer {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    requests: Arc<Mutex<Vec<StubRequest>>>,
    // sockets the stub keeps open on purpose (never-accepted fillers, hung connections)
    held: Arc<Mutex<Vec<TcpStream>>>,
}

impl StubServer {
    /// `127.0.0.1:PORT`.
    #[must_use]
    pub fn host(&self) -> String {
        self.addr.to_string()
    }

    /// `http://127.0.0.1:PORT`.
    #[must_use]
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The port.
    #[must_use]
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Requests received so far (request line and headers).
    #[must_use]
    pub fn requests(&self) -> Vec<StubRequest> {
        self.requests.lock().map(|r| r.clone()).unwrap_or_default()
    }
}

impl Drop for StubServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Ok(mut held) = self.held.lock() {
            for s in held.drain(..) {
                let _ = s.shutdown(Shutdown::Both);
            }
        }
        // unblock accept()
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_millis(200));
    }
}

// test helper: a machine without a loopback port cannot run these tests at all
#[allow(clippy::panic)]
fn bind() -> TcpListener {
    match TcpListener::bind("127.0.0.1:0") {
        Ok(l) => l,
        Err(e) => panic!("stub: cannot bind a loopback port: {e}"),
    }
}

#[allow(clippy::panic)]
fn new_server(listener: &TcpListener) -> StubServer {
    StubServer {
        addr: listener
            .local_addr()
            .unwrap_or_else(|e| panic!("stub: {e}")),
        stop: Arc::new(AtomicBool::new(false)),
        requests: Arc::new(Mutex::new(Vec::new())),
        held: Arc::new(Mutex::new(Vec::new())),
    }
}

/// Serves every request through `handler` (HTTP/1.1, one thread per connection, keep-alive).
pub fn serve(handler: impl Fn(&StubRequest) -> Reply + Send + Sync + 'static) -> StubServer {
    let listener = bind();
    let server = new_server(&listener);
    let handler: Arc<Handler> = Arc::new(handler);
    let (stop, log, held) = (
        Arc::clone(&server.stop),
        Arc::clone(&server.requests),
        Arc::clone(&server.held),
    );
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            if stop.load(Ordering::SeqCst) {
                break;
            }
            let Ok(conn) = conn else { continue };
            if let (Ok(clone), Ok(mut h)) = (conn.try_clone(), held.lock()) {
                h.push(clone);
            }
            let (handler, stop, log) = (Arc::clone(&handler), Arc::clone(&stop), Arc::clone(&log));
            std::thread::spawn(move || connection(conn, &*handler, &stop, &log));
        }
    });
    server
}

fn read_request(reader: &mut BufReader<TcpStream>) -> Option<StubRequest> {
    let mut line = String::new();
    if reader.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_owned();
    let path = parts.next()?.to_owned();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).ok()? == 0 {
            return None;
        }
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_owned()));
        }
    }
    let len = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse::<u64>().ok())
        .unwrap_or(0);
    let mut body = Vec::new();
    std::io::Read::read_to_end(&mut std::io::Read::take(&mut *reader, len), &mut body).ok()?;
    Some(StubRequest {
        method,
        path,
        headers,
        body,
    })
}

fn head(status: u16, headers: &[(String, String)], len: usize) -> String {
    let mut out = format!("HTTP/1.1 {status} Stub\r\nContent-Length: {len}\r\n");
    for (k, v) in headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str("\r\n");
    out
}

fn idle_until_stopped(stop: &AtomicBool) {
    while !stop.load(Ordering::SeqCst) {
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn drip(conn: &mut TcpStream, bytes: &[u8], every: Duration, stop: &AtomicBool) -> bool {
    for b in bytes {
        if stop.load(Ordering::SeqCst) || conn.write_all(std::slice::from_ref(b)).is_err() {
            return false;
        }
        let _ = conn.flush();
        std::thread::sleep(every);
    }
    true
}

fn connection(
    conn: TcpStream,
    handler: &Handler,
    stop: &AtomicBool,
    log: &Mutex<Vec<StubRequest>>,
) {
    let Ok(mut writer) = conn.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(conn);
    while let Some(req) = read_request(&mut reader) {
        if let Ok(mut l) = log.lock() {
            l.push(req.clone());
        }
        let is_head = req.method == "HEAD";
        match handler(&req) {
            Reply::Full {
                status,
                headers,
                body,
            } => {
                let mut out = head(status, &headers, body.len()).into_bytes();
                if !is_head {
                    out.extend_from_slice(&body);
                }
                if writer.write_all(&out).is_err() {
                    return;
                }
            }
            Reply::Silent => return idle_until_stopped(stop),
            Reply::DripBody {
                status,
                headers,
                body,
                every,
            } => {
                if writer
                    .write_all(head(status, &headers, body.len()).as_bytes())
                    .is_err()
                    || !drip(&mut writer, &body, every, stop)
                {
                    return;
                }
            }
            Reply::Trickle { body, chunk, every } => {
                let content = [(
                    "Content-Type".to_owned(),
                    "application/octet-stream".to_owned(),
                )];
                if writer
                    .write_all(head(200, &content, body.len()).as_bytes())
                    .is_err()
                {
                    return;
                }
                for part in body.chunks(chunk.max(1)) {
                    if stop.load(Ordering::SeqCst) || writer.write_all(part).is_err() {
                        return;
                    }
                    std::thread::sleep(every);
                }
            }
            Reply::DripHead { every } => {
                let head = head(200, &[], 0).into_bytes();
                let endless = head
                    .iter()
                    .cycle()
                    .take(1 << 20)
                    .copied()
                    .collect::<Vec<_>>();
                drip(&mut writer, &endless, every, stop);
                return;
            }
        }
    }
}

/// Accepts connections and never reads or writes a byte (they stay open until dropped).
#[must_use]
pub fn hang() -> StubServer {
    let listener = bind();
    let server = new_server(&listener);
    let (stop, held) = (Arc::clone(&server.stop), Arc::clone(&server.held));
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            if stop.load(Ordering::SeqCst) {
                break;
            }
            if let (Ok(c), Ok(mut h)) = (conn, held.lock()) {
                h.push(c);
            }
        }
    });
    server
}

/// Reads each request and never answers.
#[must_use]
pub fn silent() -> StubServer {
    serve(|_| Reply::Silent)
}

/// Answers every request with headers at once and then `body` one byte per `every`.
#[must_use]
pub fn drip_body(body: Vec<u8>, every: Duration) -> StubServer {
    serve(move |_| Reply::DripBody {
        status: 200,
        headers: vec![("Content-Type".into(), "application/octet-stream".into())],
        body: body.clone(),
        every,
    })
}

/// A listener whose accept queue is full, so a new connection never completes (the kernel
/// drops its SYN): exercises connect deadlines on loopback. `None` if the queue could not be
/// filled (a kernel that accepts beyond the backlog).
#[must_use]
pub fn unaccepting() -> Option<StubServer> {
    let listener = bind();
    let server = new_server(&listener);
    let mut fillers = Vec::new();
    let mut full = false;
    for _ in 0..4096 {
        let Ok(s) = TcpStream::connect_timeout(&server.addr, Duration::from_millis(300)) else {
            full = true;
            break;
        };
        fillers.push(s);
    }
    if !full {
        return None;
    }
    if let Ok(mut h) = server.held.lock() {
        h.extend(fillers);
    }
    // keep the listener open (never accepting) for as long as the server lives
    let stop = Arc::clone(&server.stop);
    std::thread::spawn(move || {
        idle_until_stopped(&stop);
        drop(listener);
    });
    Some(server)
}
