//! The tokio adapter's transport bridge: OpenSSL reads and writes the
//! async stream directly during each call, with what the stream cannot
//! take kept for later. Checked over transports that push back: a narrow
//! in-memory pipe (writes wait for the peer to read), a transport that
//! hands out one to seven bytes at a time and answers `Pending` every
//! other poll, and transports that fail or panic; split halves in two
//! tasks moving data both ways at once; many small records read in tiny
//! pieces (OpenSSL reads ahead); sessions resumed over the bridge.
//! Every test runs under a timeout so that a lost wake-up fails instead
//! of hanging.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use pyssl::tokio::TlsStream;
use pyssl::{PyClass, SslContext, TlsVersion, WrapOptions};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};

use super::support::{ca_client_ctx, leaf_server_ctx};

const LIMIT: Duration = Duration::from_secs(120);

/// A client and a server handshaken over `a` / `b`.
async fn pair<A, B>(cli: &SslContext, srv: &SslContext, a: A, b: B) -> (TlsStream<A>, TlsStream<B>)
where
    A: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    B: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let srv = srv.clone();
    let server = tokio::spawn(async move {
        pyssl::tokio::accept(&srv, b, WrapOptions::server())
            .await
            .unwrap()
    });
    let client = pyssl::tokio::connect(cli, a, WrapOptions::client("localhost"))
        .await
        .unwrap();
    (client, server.await.unwrap())
}

/// `n` bytes of a pattern that depends on `seed` and the position.
fn pattern(seed: u8, n: usize) -> Vec<u8> {
    (0..n)
        .map(|i| (i as u32).wrapping_mul(2_654_435_761).to_le_bytes()[1] ^ seed)
        .collect()
}

/// Reads exactly `n` bytes in reads of `chunk` bytes.
async fn read_n<R: AsyncRead + Unpin>(r: &mut R, n: usize, chunk: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(n);
    let mut buf = vec![0u8; chunk];
    while out.len() < n {
        let want = chunk.min(n - out.len());
        let got = r.read(&mut buf[..want]).await.unwrap();
        assert!(
            got > 0,
            "early end of stream after {} of {n} bytes",
            out.len()
        );
        out.extend_from_slice(&buf[..got]);
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn split_halves_move_data_both_ways_over_a_narrow_pipe() {
    tokio::time::timeout(LIMIT, async {
        // 700 bytes of pipe: every record write meets a full pipe.
        let (a, b) = tokio::io::duplex(700);
        let (client, server) = pair(&ca_client_ctx(), &leaf_server_ctx(), a, b).await;
        const N: usize = 3 << 20;
        let mut tasks = Vec::new();
        for (seed, stream) in [(1u8, client), (2u8, server)] {
            let (mut r, mut w) = tokio::io::split(stream);
            tasks.push(tokio::spawn(async move {
                let data = pattern(seed, N);
                for chunk in data.chunks(40_000) {
                    w.write_all(chunk).await.unwrap();
                }
                w.flush().await.unwrap();
            }));
            tasks.push(tokio::spawn(async move {
                let got = read_n(&mut r, N, 16_384).await;
                assert_eq!(got, pattern(3 - seed, N), "stream of side {seed}");
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
    })
    .await
    .expect("a lost wake-up: the transfer hung");
}

/// A transport that moves one to seven bytes per poll and answers
/// `Pending` (waking itself) every other poll, each direction counted on
/// its own.
struct Choppy<T> {
    inner: T,
    polls: [u64; 2],
}

impl<T> Choppy<T> {
    fn new(inner: T) -> Self {
        Choppy {
            inner,
            polls: [0; 2],
        }
    }

    /// `Some(limit)` for a poll (a read for `dir` 0, a write for 1) that
    /// goes ahead, `None` for a `Pending`.
    fn next(&mut self, dir: usize, cx: &Context<'_>) -> Option<usize> {
        self.polls[dir] += 1;
        let n = self.polls[dir];
        if n % 2 == 0 {
            cx.waker().wake_by_ref();
            return None;
        }
        Some(1 + (n / 2 % 7) as usize)
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for Choppy<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let Some(limit) = self.next(0, cx) else {
            return Poll::Pending;
        };
        let mut small = vec![0u8; limit.min(buf.remaining())];
        let mut rb = ReadBuf::new(&mut small);
        match Pin::new(&mut self.inner).poll_read(cx, &mut rb) {
            Poll::Ready(Ok(())) => {
                buf.put_slice(rb.filled());
                Poll::Ready(Ok(()))
            }
            other => other,
        }
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Choppy<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let Some(limit) = self.next(1, cx) else {
            return Poll::Pending;
        };
        let n = limit.min(buf.len());
        Pin::new(&mut self.inner).poll_write(cx, &buf[..n])
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_choppy_transport_carries_handshakes_data_and_sessions() {
    tokio::time::timeout(LIMIT, async {
        for max in [TlsVersion::TlsV1_3, TlsVersion::TlsV1_2] {
            let cli = ca_client_ctx();
            cli.set_maximum_version(max).unwrap();
            let srv = leaf_server_ctx();
            let (a, b) = tokio::io::duplex(4096);
            let (mut c, mut s) = pair(&cli, &srv, Choppy::new(a), Choppy::new(b)).await;
            assert_eq!(
                c.ssl_object().version().as_deref(),
                Some(if max == TlsVersion::TlsV1_3 {
                    "TLSv1.3"
                } else {
                    "TLSv1.2"
                })
            );
            let data = pattern(7, 50_000);
            let echo = tokio::spawn(async move {
                let got = read_n(&mut s, 50_000, 999).await;
                s.write_all(&got).await.unwrap();
                s.flush().await.unwrap();
                s
            });
            c.write_all(&data).await.unwrap();
            c.flush().await.unwrap();
            assert_eq!(read_n(&mut c, 50_000, 5000).await, data, "{max:?}");
            let mut s = echo.await.unwrap();
            // The session (for TLS 1.3 its ticket came after the
            // handshake, read by the echo) resumes over the same bridge.
            let session = c.ssl_object().session().expect("a session");
            c.shutdown().await.unwrap();
            assert_eq!(s.read(&mut [0u8; 8]).await.unwrap(), 0, "close_notify");
            let (a, b) = tokio::io::duplex(4096);
            let srv2 = srv.clone();
            let server = tokio::spawn(async move {
                pyssl::tokio::accept(&srv2, Choppy::new(b), WrapOptions::server())
                    .await
                    .unwrap()
            });
            let c2 = pyssl::tokio::connect(
                &cli,
                Choppy::new(a),
                WrapOptions::client("localhost").session(Some(session)),
            )
            .await
            .unwrap();
            let s2 = server.await.unwrap();
            assert!(c2.ssl_object().session_reused(), "{max:?}");
            assert!(s2.ssl_object().session_reused(), "{max:?}");
        }
    })
    .await
    .expect("hung");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_small_records_read_in_tiny_pieces() {
    tokio::time::timeout(LIMIT, async {
        let (a, b) = tokio::io::duplex(1 << 16);
        let (mut c, mut s) = pair(&ca_client_ctx(), &leaf_server_ctx(), a, b).await;
        let writer = tokio::spawn(async move {
            let mut all = Vec::new();
            for i in 0..2000u32 {
                // One record per write.
                let rec = format!("record {i};");
                s.write_all(rec.as_bytes()).await.unwrap();
                all.extend_from_slice(rec.as_bytes());
            }
            s.shutdown().await.unwrap();
            (s, all)
        });
        let mut got = Vec::new();
        let mut buf = [0u8; 3];
        loop {
            let n = c.read(&mut buf).await.unwrap();
            if n == 0 {
                break;
            }
            // Read ahead keeps whole records inside OpenSSL: what is
            // decrypted and not yet read is `pending()`.
            assert!(c.ssl_object().pending() <= 16_384);
            got.extend_from_slice(&buf[..n]);
        }
        let (_s, all) = writer.await.unwrap();
        assert_eq!(got, all);
    })
    .await
    .expect("hung");
}

/// A transport over `inner` whose reads fail with `ECONNRESET` or panic,
/// or whose writes fail with `EPIPE`, when the flags say so.
struct Faulty<T> {
    inner: T,
    fail_reads: bool,
    panic_reads: bool,
    fail_writes: bool,
}

impl<T: AsyncRead + Unpin> AsyncRead for Faulty<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self.panic_reads {
            panic!("transport panicked in poll_read");
        }
        if self.fail_reads {
            return Poll::Ready(Err(io::ErrorKind::ConnectionReset.into()));
        }
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Faulty<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if self.fail_writes {
            return Poll::Ready(Err(io::ErrorKind::BrokenPipe.into()));
        }
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

fn faulty<T>(inner: T) -> Faulty<T> {
    Faulty {
        inner,
        fail_reads: false,
        panic_reads: false,
        fail_writes: false,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transport_errors_are_the_callers_errors() {
    tokio::time::timeout(LIMIT, async {
        // During the handshake: the handshake fails with the transport's
        // error, as OSError.
        let (a, _b) = tokio::io::duplex(4096);
        let mut t = faulty(a);
        t.fail_writes = true;
        let e = pyssl::tokio::connect(&ca_client_ctx(), t, WrapOptions::client("localhost"))
            .await
            .unwrap_err();
        assert_eq!(e.class(), PyClass::BrokenPipeError, "{e:?}");
        assert_eq!(io::Error::from(e).kind(), io::ErrorKind::BrokenPipe);

        // After it: reads and writes return the transport's error.
        let (a, b) = tokio::io::duplex(4096);
        let (mut c, _s) = pair(&ca_client_ctx(), &leaf_server_ctx(), faulty(a), b).await;
        c.get_mut().fail_reads = true;
        let e = c.read(&mut [0u8; 100]).await.unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::ConnectionReset);
        c.get_mut().fail_writes = true;
        let e = c.write_all(b"hello").await.unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::BrokenPipe);
    })
    .await
    .expect("hung");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_transport_panic_reaches_the_caller() {
    tokio::time::timeout(LIMIT, async {
        // Mid-handshake, in an OpenSSL call: the panic unwinds out of the
        // handshake (not through OpenSSL), and the task reports it.
        let (a, _b) = tokio::io::duplex(4096);
        let task = tokio::spawn(async move {
            let mut t = faulty(a);
            t.panic_reads = true;
            let _ =
                pyssl::tokio::connect(&ca_client_ctx(), t, WrapOptions::client("localhost")).await;
        });
        let err = task.await.unwrap_err();
        assert!(err.is_panic());
        let msg = err.into_panic();
        assert_eq!(
            msg.downcast_ref::<&str>().copied(),
            Some("transport panicked in poll_read")
        );

        // The stream is usable by others afterwards: a fresh pair works.
        let (a, b) = tokio::io::duplex(4096);
        let (mut c, mut s) = pair(&ca_client_ctx(), &leaf_server_ctx(), a, b).await;
        c.write_all(b"after").await.unwrap();
        let mut buf = [0u8; 5];
        s.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"after");
    })
    .await
    .expect("hung");
}

/// A loopback TCP pair: the server side accepted and handshaken in a task
/// that then runs `serve`; the client handshaken here.
async fn tcp_pair<F, Fut>(
    serve: F,
) -> (
    TlsStream<tokio::net::TcpStream>,
    tokio::task::JoinHandle<Fut::Output>,
)
where
    F: FnOnce(TlsStream<tokio::net::TcpStream>) -> Fut + Send + 'static,
    Fut: std::future::Future + Send,
    Fut::Output: Send + 'static,
{
    let l = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .unwrap();
    let addr = l.local_addr().unwrap();
    let srv = leaf_server_ctx();
    let server = tokio::spawn(async move {
        let (tcp, _) = l.accept().await.unwrap();
        let s = pyssl::tokio::accept(&srv, tcp, WrapOptions::server())
            .await
            .unwrap();
        serve(s).await
    });
    let tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    let c = pyssl::tokio::connect(&ca_client_ctx(), tcp, WrapOptions::client("localhost"))
        .await
        .unwrap();
    (c, server)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_then_shutdown_over_tcp_ends_with_close_notify() {
    tokio::time::timeout(LIMIT, async {
        for _ in 0..20 {
            let (mut c, server) = tcp_pair(|mut s| async move {
                let mut buf = vec![0u8; 16 * 1024];
                let mut got = 0usize;
                loop {
                    match s.read(&mut buf).await {
                        Ok(0) => return got,
                        Ok(n) => got += n,
                        Err(e) => panic!("after {got} bytes: {e}"),
                    }
                }
            })
            .await;
            let chunk = vec![0x5au8; 16 * 1024];
            for _ in 0..200 {
                c.write_all(&chunk).await.unwrap();
            }
            c.shutdown().await.unwrap();
            assert_eq!(server.await.unwrap(), 200 * 16 * 1024);
            drop(c);
        }
    })
    .await
    .expect("hung");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_only_sends_close_notify_even_when_the_peer_is_gone() {
    tokio::time::timeout(LIMIT, async {
        let (mut c, server) = tcp_pair(|mut s| async move {
            let mut b = [0u8; 5];
            s.read_exact(&mut b).await.unwrap();
            // Gone without a close_notify.
        })
        .await;
        c.write_all(b"hello").await.unwrap();
        server.await.unwrap();
        // Let the peer's FIN arrive: a shutdown that also read the
        // transport would meet it and fail with SSLEOFError.
        tokio::time::sleep(Duration::from_millis(50)).await;
        c.shutdown().await.unwrap();
        // The end is for a read to see: the peer closed without
        // close_notify, a ragged EOF (suppressed by default).
        assert_eq!(c.read(&mut [0u8; 8]).await.unwrap(), 0);
    })
    .await
    .expect("hung");
}
