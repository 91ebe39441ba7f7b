// Async code as applications write it against tokio: servers, shared state, channels, timers,
// tasks. `npm run compare:tokio` compiles this file in a crate that depends on the corpus's tokio
// (`cargo check --offline`), asks rustc whether each future below is `Send` (each
// `require_send(..)` in `checks`), and compares the engine's verdict for the same future. Nothing
// here says what the answer is: rustc does. Written to be ordinary code, not to suit the analysis.
#![allow(dead_code, unused_variables, unused_mut, clippy::all)]
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream, UdpSocket};
use tokio::sync::{broadcast, mpsc, oneshot, watch, Mutex, Notify, RwLock, Semaphore};

fn require_send<T: Send>(_: T) {}

pub struct Config {
    pub name: String,
    pub retries: u32,
}

pub struct Cache {
    pub entries: HashMap<String, Vec<u8>>,
}

pub struct LocalStats {
    pub hits: Cell<u64>,
}

pub async fn serve(addr: &str) -> std::io::Result<()> {
    let listener = TcpListener::bind(addr).await?;
    loop {
        let (socket, _) = listener.accept().await?;
        tokio::spawn(async move {
            echo(socket).await;
        });
    }
}

pub async fn echo(mut socket: TcpStream) {
    let mut buf = [0u8; 1024];
    loop {
        let n = match socket.read(&mut buf).await {
            Ok(0) => return,
            Ok(n) => n,
            Err(_) => return,
        };
        if socket.write_all(&buf[0..n]).await.is_err() {
            return;
        }
    }
}

pub async fn connect_and_send(addr: &str, data: &[u8]) -> std::io::Result<()> {
    let mut stream = TcpStream::connect(addr).await?;
    stream.write_all(data).await?;
    stream.flush().await?;
    Ok(())
}

pub async fn udp_ping(addr: &str) -> std::io::Result<usize> {
    let socket = UdpSocket::bind("0.0.0.0:0").await?;
    socket.send_to(b"ping", addr).await?;
    let mut buf = [0u8; 64];
    let (n, _) = socket.recv_from(&mut buf).await?;
    Ok(n)
}

pub async fn update_cache(cache: Arc<Mutex<Cache>>, key: String, value: Vec<u8>) {
    let mut guard = cache.lock().await;
    guard.entries.insert(key, value);
}

pub async fn read_config(config: Arc<RwLock<Config>>) -> String {
    let guard = config.read().await;
    guard.name.clone()
}

pub async fn write_config(config: Arc<RwLock<Config>>, retries: u32) {
    let mut guard = config.write().await;
    guard.retries = retries;
    tokio::time::sleep(Duration::from_millis(10)).await;
}

pub async fn std_guard_across_sleep(cache: Arc<std::sync::Mutex<Cache>>) {
    let guard = cache.lock().unwrap();
    tokio::time::sleep(Duration::from_millis(10)).await;
    drop(guard);
}

pub async fn std_guard_dropped_first(cache: Arc<std::sync::Mutex<Cache>>) -> usize {
    let len = {
        let guard = cache.lock().unwrap();
        guard.entries.len()
    };
    tokio::time::sleep(Duration::from_millis(10)).await;
    len
}

pub async fn rc_across_await() {
    let shared = Rc::new(RefCell::new(Vec::<u32>::new()));
    tokio::time::sleep(Duration::from_millis(1)).await;
    shared.borrow_mut().push(1);
}

pub async fn rc_dropped_before_await() {
    {
        let shared = Rc::new(5u32);
        println!("{}", shared);
    }
    tokio::task::yield_now().await;
}

pub async fn local_stats_across_await(stats: LocalStats) {
    stats.hits.set(stats.hits.get() + 1);
    tokio::time::sleep(Duration::from_millis(1)).await;
}

pub async fn producer(tx: mpsc::Sender<u32>) {
    for i in 0..10 {
        if tx.send(i).await.is_err() {
            break;
        }
    }
}

pub async fn consumer(mut rx: mpsc::Receiver<String>) -> usize {
    let mut total = 0;
    while let Some(message) = rx.recv().await {
        total += message.len();
    }
    total
}

pub async fn unbounded_pipeline() {
    let (tx, mut rx) = mpsc::unbounded_channel::<u64>();
    tokio::spawn(async move {
        let _ = tx.send(1);
    });
    while let Some(v) = rx.recv().await {
        println!("{v}");
    }
}

pub async fn request_reply() -> Option<String> {
    let (tx, rx) = oneshot::channel::<String>();
    tokio::spawn(async move {
        let _ = tx.send("done".to_string());
    });
    rx.await.ok()
}

pub async fn watch_config(mut rx: watch::Receiver<u32>) {
    while rx.changed().await.is_ok() {
        let value = *rx.borrow();
        println!("{value}");
    }
}

pub async fn watch_borrow_across_await(rx: watch::Receiver<u32>) {
    let value = rx.borrow();
    tokio::task::yield_now().await;
    println!("{}", *value);
}

pub async fn broadcast_listener(mut rx: broadcast::Receiver<String>) {
    while let Ok(message) = rx.recv().await {
        println!("{message}");
    }
}

pub async fn limited(semaphore: Arc<Semaphore>) {
    let permit = semaphore.acquire().await.unwrap();
    tokio::time::sleep(Duration::from_millis(5)).await;
    drop(permit);
}

pub async fn notified(notify: Arc<Notify>) {
    notify.notified().await;
}

pub async fn with_timeout(addr: &str) -> bool {
    tokio::time::timeout(Duration::from_secs(1), TcpStream::connect(addr)).await.is_ok()
}

pub async fn interval_ticks() {
    let mut interval = tokio::time::interval(Duration::from_millis(100));
    for _ in 0..3 {
        interval.tick().await;
    }
}

pub async fn join_two() -> (u32, u32) {
    let a = tokio::spawn(async { 1u32 });
    let b = tokio::spawn(async { 2u32 });
    (a.await.unwrap(), b.await.unwrap())
}

pub async fn spawn_blocking_work(data: Vec<u8>) -> usize {
    tokio::task::spawn_blocking(move || data.len()).await.unwrap()
}

pub async fn boxed_error() -> Result<(), Box<dyn std::error::Error>> {
    tokio::time::sleep(Duration::from_millis(1)).await;
    Ok(())
}

pub async fn boxed_error_send() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    tokio::time::sleep(Duration::from_millis(1)).await;
    Ok(())
}

pub async fn error_held_across_await() {
    let err: Box<dyn std::error::Error> = "bad".into();
    tokio::time::sleep(Duration::from_millis(1)).await;
    println!("{err}");
}

pub async fn config_retry(config: Arc<Config>) -> u32 {
    let mut attempts = 0;
    while attempts < config.retries {
        attempts += 1;
        tokio::time::sleep(Duration::from_millis(u64::from(attempts))).await;
    }
    attempts
}

pub async fn ref_to_cell_across_await(counter: &Cell<u32>) {
    counter.set(1);
    tokio::task::yield_now().await;
}

pub async fn select_first(mut a: mpsc::Receiver<u32>, mut b: mpsc::Receiver<u32>) -> Option<u32> {
    tokio::select! {
        v = a.recv() => v,
        v = b.recv() => v,
    }
}

pub async fn select_with_rc_held(mut a: mpsc::Receiver<u32>) -> Option<u32> {
    let seen = Rc::new(Cell::new(0));
    let v = tokio::select! {
        v = a.recv() => v,
        _ = tokio::time::sleep(Duration::from_millis(10)) => None,
    };
    seen.set(1);
    v
}

pub async fn select_rc_in_handler(mut a: mpsc::Receiver<u32>) -> u32 {
    tokio::select! {
        Some(v) = a.recv() => {
            let shared = Rc::new(v);
            *shared
        }
        else => 0,
    }
}

pub async fn select_handler_awaits_with_rc(mut a: mpsc::Receiver<u32>) {
    tokio::select! {
        Some(v) = a.recv() => {
            let shared = Rc::new(v);
            tokio::task::yield_now().await;
            println!("{}", shared);
        }
        else => {}
    }
}

async fn local_work() -> u32 {
    let shared = Rc::new(1);
    tokio::task::yield_now().await;
    *shared
}

pub async fn select_branch_not_send(mut a: mpsc::Receiver<u32>) -> u32 {
    tokio::select! {
        Some(v) = a.recv() => v,
        v = local_work() => v,
    }
}

pub async fn select_biased_with_precondition(
    mut a: mpsc::Receiver<u32>,
    mut b: mpsc::Receiver<u32>,
    open: bool,
) -> Option<u32> {
    tokio::select! {
        biased;
        v = a.recv(), if open => v,
        v = b.recv() => v,
    }
}

pub async fn select_in_loop(mut rx: mpsc::Receiver<String>, stop: Arc<Notify>) -> Vec<String> {
    let mut lines = Vec::new();
    loop {
        tokio::select! {
            line = rx.recv() => match line {
                Some(line) => lines.push(line),
                None => break,
            },
            _ = stop.notified() => break,
        }
    }
    lines
}

// The same APIs with values that are not `Send` or not `Sync` (added with the table of tokio's
// futures, to check what each of its entries needs).
pub async fn lock_rc(m: Arc<Mutex<Rc<u8>>>) {
    let g = m.lock().await;
    println!("{}", g);
}

pub async fn lock_cell_across_await(m: Arc<Mutex<Cell<u8>>>) {
    let g = m.lock().await;
    tokio::task::yield_now().await;
    g.set(1);
}

pub async fn read_cell(lock: Arc<RwLock<Cell<u8>>>) -> u8 {
    let g = lock.read().await;
    g.get()
}

pub async fn send_rc(tx: mpsc::Sender<Rc<u8>>) {
    let _ = tx.send(Rc::new(1)).await;
}

pub async fn recv_cells(mut rx: mpsc::Receiver<Cell<u8>>) -> u8 {
    let mut last = 0;
    while let Some(c) = rx.recv().await {
        last = c.get();
    }
    last
}

pub async fn watch_cell(mut rx: watch::Receiver<Cell<u8>>) {
    let _ = rx.changed().await;
}

pub async fn broadcast_rc(mut rx: broadcast::Receiver<Rc<u8>>) {
    let _ = rx.recv().await;
}

// Written after the analysis was improved against the functions above, and not tuned to: an
// honest sample of what it makes of code it has not seen.
pub struct Session {
    pub id: u64,
    pub peer: String,
}

pub struct Registry {
    pub sessions: Mutex<HashMap<u64, Session>>,
    pub events: mpsc::Sender<String>,
}

impl Registry {
    pub async fn add(&self, session: Session) {
        let mut sessions = self.sessions.lock().await;
        sessions.insert(session.id, session);
    }

    pub async fn announce(&self, text: String) -> bool {
        self.events.send(text).await.is_ok()
    }

    pub async fn count(&self) -> usize {
        self.sessions.lock().await.len()
    }
}

pub async fn registry_flow(registry: Arc<Registry>) {
    registry.add(Session { id: 1, peer: "a".into() }).await;
    let n = registry.count().await;
    registry.announce(format!("{n} sessions")).await;
}

pub async fn actor(mut inbox: mpsc::Receiver<(u32, oneshot::Sender<u32>)>) {
    let mut total = 0;
    while let Some((value, reply)) = inbox.recv().await {
        total += value;
        let _ = reply.send(total);
    }
}

pub async fn local_cache_across_await(keys: Vec<String>) -> usize {
    let cache: RefCell<HashMap<String, usize>> = RefCell::new(HashMap::new());
    for key in keys {
        let len = key.len();
        cache.borrow_mut().insert(key, len);
        tokio::task::yield_now().await;
    }
    let n = cache.borrow().len();
    n
}

pub async fn scoped_refcell_borrow(cell: Arc<std::sync::Mutex<RefCell<u32>>>) {
    {
        let guard = cell.lock().unwrap();
        *guard.borrow_mut() += 1;
    }
    tokio::task::yield_now().await;
}

pub async fn retry_connect(addr: String, attempts: u32) -> Option<TcpStream> {
    for attempt in 0..attempts {
        match TcpStream::connect(addr.as_str()).await {
            Ok(stream) => return Some(stream),
            Err(_) => tokio::time::sleep(Duration::from_millis(u64::from(attempt) * 10)).await,
        }
    }
    None
}

pub async fn write_lines(mut stream: TcpStream, lines: Vec<String>) -> std::io::Result<()> {
    for line in &lines {
        stream.write_all(line.as_bytes()).await?;
        stream.write_all(b"\n").await?;
    }
    stream.flush().await
}

pub async fn rc_counter_in_loop(limit: u32) -> u32 {
    let counter = Rc::new(Cell::new(0));
    while counter.get() < limit {
        counter.set(counter.get() + 1);
        tokio::task::yield_now().await;
    }
    counter.get()
}

pub async fn std_guard_in_match(state: Arc<std::sync::Mutex<Vec<u32>>>) {
    match state.lock().unwrap().pop() {
        Some(v) => println!("{v}"),
        None => tokio::task::yield_now().await,
    }
}

pub async fn tokio_guard_across_send(state: Arc<Mutex<Vec<u32>>>, tx: mpsc::Sender<u32>) {
    let mut guard = state.lock().await;
    if let Some(v) = guard.pop() {
        let _ = tx.send(v).await;
    }
}

pub async fn semaphore_permits(semaphore: Arc<Semaphore>, jobs: Vec<u32>) -> u32 {
    let mut done = 0;
    for job in jobs {
        let _permit = semaphore.acquire().await.unwrap();
        done += job;
    }
    done
}

// A third batch, written at the end of the session that built the table, after the last change
// to the analysis, and not tuned to.
pub struct Worker {
    pub name: String,
    pub state: Arc<Mutex<Vec<String>>>,
    pub handle: Option<tokio::task::JoinHandle<()>>,
}

impl Worker {
    pub async fn record(&self, line: String) {
        let mut state = self.state.lock().await;
        state.push(line);
        if state.len() > 100 {
            state.clear();
        }
    }

    pub async fn stop(&mut self) {
        if let Some(handle) = self.handle.take() {
            let _ = handle.await;
        }
    }
}

pub async fn fan_out(workers: Vec<Arc<Worker>>, line: String) {
    for worker in &workers {
        worker.record(line.clone()).await;
    }
}

pub async fn fetch_all(addrs: Vec<String>) -> Result<usize, Box<dyn std::error::Error + Send + Sync>> {
    let mut total = 0;
    for addr in addrs {
        let mut stream = TcpStream::connect(addr.as_str()).await?;
        let mut buf = Vec::new();
        total += stream.read_to_end(&mut buf).await?;
    }
    Ok(total)
}

pub async fn drain(mut rx: mpsc::UnboundedReceiver<Rc<String>>) -> usize {
    let mut seen = 0;
    while let Some(item) = rx.recv().await {
        seen += item.len();
    }
    seen
}

pub async fn counted_tasks(n: u32) -> u32 {
    let mut handles = Vec::new();
    for i in 0..n {
        handles.push(tokio::spawn(async move { i * 2 }));
    }
    let mut sum = 0;
    for handle in handles {
        sum += handle.await.unwrap_or(0);
    }
    sum
}

pub async fn refcell_guard_across_await(state: Rc<RefCell<Vec<u8>>>) {
    let mut guard = state.borrow_mut();
    guard.push(1);
    tokio::task::yield_now().await;
    guard.push(2);
}

pub async fn guard_scoped_before_await(state: Arc<std::sync::RwLock<HashMap<String, u32>>>) -> u32 {
    let value = {
        let map = state.read().unwrap();
        map.get("key").copied().unwrap_or(0)
    };
    tokio::time::sleep(Duration::from_millis(1)).await;
    value
}

fn checks(
    cache: Arc<Mutex<Cache>>,
    config: Arc<RwLock<Config>>,
    std_cache: Arc<std::sync::Mutex<Cache>>,
    socket: TcpStream,
    stats: LocalStats,
    counter: &Cell<u32>,
) {
    require_send(serve("127.0.0.1:0"));
    require_send(echo(socket));
    require_send(connect_and_send("127.0.0.1:1", b"x"));
    require_send(udp_ping("127.0.0.1:1"));
    require_send(update_cache(cache, String::new(), Vec::new()));
    require_send(read_config(config.clone()));
    require_send(write_config(config, 1));
    require_send(std_guard_across_sleep(std_cache.clone()));
    require_send(std_guard_dropped_first(std_cache));
    require_send(rc_across_await());
    require_send(rc_dropped_before_await());
    require_send(local_stats_across_await(stats));
    require_send(producer(mpsc::channel(1).0));
    require_send(consumer(mpsc::channel(1).1));
    require_send(unbounded_pipeline());
    require_send(request_reply());
    require_send(watch_config(watch::channel(0).1));
    require_send(watch_borrow_across_await(watch::channel(0).1));
    require_send(broadcast_listener(broadcast::channel(1).1));
    require_send(limited(Arc::new(Semaphore::new(1))));
    require_send(notified(Arc::new(Notify::new())));
    require_send(with_timeout("127.0.0.1:1"));
    require_send(interval_ticks());
    require_send(join_two());
    require_send(spawn_blocking_work(Vec::new()));
    require_send(boxed_error());
    require_send(boxed_error_send());
    require_send(error_held_across_await());
    require_send(config_retry(Arc::new(Config { name: String::new(), retries: 1 })));
    require_send(ref_to_cell_across_await(counter));
    require_send(select_first(mpsc::channel(1).1, mpsc::channel(1).1));
    require_send(select_with_rc_held(mpsc::channel(1).1));
    require_send(select_rc_in_handler(mpsc::channel(1).1));
    require_send(select_handler_awaits_with_rc(mpsc::channel(1).1));
    require_send(select_branch_not_send(mpsc::channel(1).1));
    require_send(select_biased_with_precondition(mpsc::channel(1).1, mpsc::channel(1).1, true));
    require_send(select_in_loop(mpsc::channel(1).1, Arc::new(Notify::new())));
    require_send(lock_rc(Arc::new(Mutex::new(Rc::new(1)))));
    require_send(lock_cell_across_await(Arc::new(Mutex::new(Cell::new(1)))));
    require_send(read_cell(Arc::new(RwLock::new(Cell::new(1)))));
    require_send(send_rc(mpsc::channel(1).0));
    require_send(recv_cells(mpsc::channel(1).1));
    require_send(watch_cell(watch::channel(Cell::new(0)).1));
    require_send(broadcast_rc(broadcast::channel(1).1));
    require_send(registry_flow(Arc::new(Registry { sessions: Mutex::new(HashMap::new()), events: mpsc::channel(1).0 })));
    require_send(actor(mpsc::channel(1).1));
    require_send(local_cache_across_await(Vec::new()));
    require_send(scoped_refcell_borrow(Arc::new(std::sync::Mutex::new(RefCell::new(0)))));
    require_send(retry_connect(String::new(), 1));
    require_send(write_lines(socket_again(), Vec::new()));
    require_send(rc_counter_in_loop(3));
    require_send(std_guard_in_match(Arc::new(std::sync::Mutex::new(Vec::new()))));
    require_send(tokio_guard_across_send(Arc::new(Mutex::new(Vec::new())), mpsc::channel(1).0));
    require_send(semaphore_permits(Arc::new(Semaphore::new(1)), Vec::new()));
    require_send(fan_out(Vec::new(), String::new()));
    require_send(fetch_all(Vec::new()));
    require_send(drain(mpsc::unbounded_channel().1));
    require_send(counted_tasks(3));
    require_send(refcell_guard_across_await(Rc::new(RefCell::new(Vec::new()))));
    require_send(guard_scoped_before_await(Arc::new(std::sync::RwLock::new(HashMap::new()))));
}

fn socket_again() -> TcpStream {
    unimplemented!()
}
