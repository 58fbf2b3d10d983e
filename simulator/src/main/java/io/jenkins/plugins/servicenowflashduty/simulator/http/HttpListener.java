package io.jenkins.plugins.servicenowflashduty.simulator.http;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The simulator's HTTP/1.1 server: keep-alive connections, one thread each, requests answered in turn.
 *
 * <p>Not the JDK's {@code HttpServer}: that one parses the request target with {@link java.net.URI} and
 * answers an HTML "400 URISyntaxException" before any handler runs when a client sends {@code ^},
 * {@code |}, quotes or braces unencoded, as curl and scripts do and ServiceNow accepts. It also reads
 * whole bodies before anyone can check their size. Here {@link Exchange} reads the request line as sent
 * and the body only as far as the handler allows.
 */
public final class HttpListener implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(HttpListener.class.getName());
    /** How long a kept-alive connection may wait for its next request (the JDK server's default too). */
    private static final int IDLE_MILLIS = 30_000;
    /** How long a connection that is being closed keeps reading what the client still sends, so it can read the answer. */
    private static final long LINGER_MILLIS = 5_000;

    /** Answers one request: {@link Exchange#respond} or {@link Exchange#drop}. */
    public interface Handler {
        void handle(Exchange exchange) throws IOException;
    }

    private final ServerSocket server;
    private final Handler handler;
    private final ExecutorService executor;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private HttpListener(ServerSocket server, Handler handler) {
        this.server = server;
        this.handler = handler;
        // a cached pool: a connection holds a thread, and injected delays must not starve other requests
        this.executor = Executors.newCachedThreadPool(daemonThreads("simulator-http-"));
        Thread acceptor = new Thread(this::accept, "simulator-accept-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Listens on the address (port 0: any free port) until closed. */
    public static HttpListener start(String host, int port, Handler handler) throws IOException {
        ServerSocket server = new ServerSocket();
        try {
            server.bind(new InetSocketAddress(InetAddress.getByName(host), port), 256);
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        return new HttpListener(server, handler);
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    private void accept() {
        while (!closed) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.log(Level.FINE, "accept failed", e);
                }
                continue;
            }
            open.add(socket);
            try {
                executor.execute(() -> serve(socket));
            } catch (RejectedExecutionException e) {
                closeQuietly(socket);
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(IDLE_MILLIS);
            InputStream in = new BufferedInputStream(socket.getInputStream(), 16384);
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 16384);
            InetSocketAddress local = (InetSocketAddress) socket.getLocalSocketAddress();
            while (!closed) {
                Exchange exchange = Exchange.read(in, out, local);
                if (exchange == null) {
                    return;
                }
                handler.handle(exchange);
                if (exchange.dropped()) {
                    return;
                }
                if (!exchange.reusable()) {
                    if (exchange.inputLeftUnread()) {
                        linger(socket, in);
                    }
                    return;
                }
            }
        } catch (SocketTimeoutException e) {
            LOG.log(Level.FINEST, "idle connection closed", e);
        } catch (IOException e) {
            LOG.log(Level.FINE, "client went away", e);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "simulator connection failed", e);
        } finally {
            open.remove(socket);
        }
    }

    /**
     * Ends the answer, then reads and discards what the client is still sending for a while: closing a
     * socket with unread input resets the connection, and the client might never see the answer.
     */
    private static void linger(Socket socket, InputStream in) {
        try {
            socket.shutdownOutput();
            socket.setSoTimeout(1000);
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LINGER_MILLIS);
            byte[] sink = new byte[65536];
            while (System.nanoTime() < deadline && in.read(sink) >= 0) {
                // discarded
            }
        } catch (IOException e) {
            LOG.log(Level.FINEST, "client stopped sending", e);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            LOG.log(Level.FINEST, "close failed", e);
        }
    }

    private static java.util.concurrent.ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Stops listening and cuts every open connection. */
    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            LOG.log(Level.FINEST, "close failed", e);
        }
        open.forEach(HttpListener::closeQuietly);
        executor.shutdownNow();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
