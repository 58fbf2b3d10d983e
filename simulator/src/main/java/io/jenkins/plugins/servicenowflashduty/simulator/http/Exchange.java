package io.jenkins.plugins.servicenowflashduty.simulator.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 request read off a connection, and its answer.
 *
 * <p>The request line is taken as sent: the method is its first word, the version its last, and the
 * target everything between, so characters a strict URI parser refuses ({@code ^ | " { }}, spaces) reach
 * the APIs as they do on ServiceNow. What cannot be read at all is reported by {@link #problem()}.
 */
public final class Exchange {
    /** Request line and headers together may not be longer than this. */
    static final int MAX_HEAD = 1 << 20;
    private static final int MAX_HEADERS = 256;

    private final InputStream in;
    private final OutputStream out;
    private final InetSocketAddress local;
    private String method = "";
    private String target = "";
    private String version = "HTTP/1.1";
    private final Map<String, List<String>> headers = new LinkedHashMap<>();
    private String problem;
    private BodyInput body;
    private boolean keepAlive;
    private boolean bodyBroken;
    private boolean responded;
    private boolean dropped;
    private int headBytes;

    /** The request body was larger than allowed; nothing more of it is read. */
    public static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;
        private final long length;

        TooLarge(long length) {
            super("Request body of at least " + length + " bytes is too large");
            this.length = length;
        }

        /** The announced length, or how many bytes had arrived when reading stopped. */
        public long length() {
            return length;
        }
    }

    /** The request's framing is broken (a bad chunk, a body cut short). */
    public static final class Unreadable extends IOException {
        private static final long serialVersionUID = 1L;

        Unreadable(String message) {
            super(message);
        }
    }

    private Exchange(InputStream in, OutputStream out, InetSocketAddress local) {
        this.in = in;
        this.out = out;
        this.local = local;
    }

    /** Reads the next request's line and headers; null when the client closed the connection between requests. */
    static Exchange read(InputStream in, OutputStream out, InetSocketAddress local) throws IOException {
        Exchange x = new Exchange(in, out, local);
        String line;
        do {
            line = x.readLine(true);
            if (line == null) {
                return null;
            }
        } while (line.isEmpty() && x.problem == null); // a stray CRLF between requests is allowed
        if (x.problem == null) {
            x.parseRequestLine(line);
        }
        while (x.problem == null) {
            String h = x.readLine(false);
            if (h == null) {
                throw new IOException("Connection closed inside the request headers");
            }
            if (h.isEmpty()) {
                break;
            }
            x.addHeader(h);
        }
        if (x.problem == null) {
            x.frameBody();
        }
        return x;
    }

    private void parseRequestLine(String line) {
        int first = line.indexOf(' ');
        int last = line.lastIndexOf(' ');
        if (first <= 0 || last <= first) {
            problem = "The request line '" + shorten(line) + "' is not METHOD TARGET HTTP-VERSION.";
            return;
        }
        method = line.substring(0, first).toUpperCase(Locale.ROOT);
        version = line.substring(last + 1);
        target = line.substring(first + 1, last).trim();
        if (!version.equals("HTTP/1.1") && !version.equals("HTTP/1.0")) {
            problem = "The HTTP version '" + shorten(version) + "' is not supported; send HTTP/1.1.";
            return;
        }
        String lower = target.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            int slash = target.indexOf('/', lower.indexOf("//") + 2);
            target = slash < 0 ? "/" : target.substring(slash);
        }
        if (!target.startsWith("/")) {
            problem = "The request target '" + shorten(target) + "' does not start with /.";
        }
    }

    private void addHeader(String line) {
        if ((line.startsWith(" ") || line.startsWith("\t")) && !headers.isEmpty()) {
            List<String> lastValues = null;
            for (List<String> v : headers.values()) {
                lastValues = v;
            }
            int i = lastValues.size() - 1;
            lastValues.set(i, lastValues.get(i) + " " + line.trim());
            return;
        }
        int colon = line.indexOf(':');
        if (colon <= 0) {
            problem = "The header line '" + shorten(line) + "' has no name.";
            return;
        }
        if (headers.size() >= MAX_HEADERS) {
            problem = "The request has more than " + MAX_HEADERS + " headers.";
            return;
        }
        headers.computeIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                .add(line.substring(colon + 1).trim());
    }

    private void frameBody() {
        String connection = String.join(",", headers.getOrDefault("connection", List.of())).toLowerCase(Locale.ROOT);
        keepAlive = version.equals("HTTP/1.1") ? !connection.contains("close") : connection.contains("keep-alive");
        List<String> te = headers.get("transfer-encoding");
        if (te != null) {
            String codings = String.join(",", te).toLowerCase(Locale.ROOT).trim();
            if (!codings.endsWith("chunked")) {
                problem = "The transfer encoding '" + shorten(codings) + "' is not supported; send chunked or a Content-Length.";
                return;
            }
            body = new BodyInput(in, -1);
            return;
        }
        List<String> cl = headers.get("content-length");
        if (cl == null) {
            return;
        }
        long length = -1;
        for (String v : cl) {
            for (String part : v.split(",")) {
                long n;
                try {
                    n = Long.parseLong(part.trim());
                } catch (NumberFormatException e) {
                    n = -1;
                }
                if (n < 0 || length >= 0 && n != length) {
                    problem = "The Content-Length '" + shorten(v) + "' is not one whole number.";
                    return;
                }
                length = n;
            }
        }
        if (length > 0) {
            body = new BodyInput(in, length);
        }
    }

    /** A line of the head without its CR LF; null at end of stream before the first byte of the line. */
    private String readLine(boolean first) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (line.size() == 0 && first) {
                    return null;
                }
                throw new IOException("Connection closed inside the request head");
            }
            if (b == '\n') {
                break;
            }
            if (++headBytes > MAX_HEAD) {
                problem = "The request line and headers are longer than " + MAX_HEAD + " bytes.";
                return "";
            }
            line.write(b);
        }
        byte[] bytes = line.toByteArray();
        int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return text(bytes, n);
    }

    /** UTF-8 when the bytes are UTF-8 (curl sends typed text that way), else ISO-8859-1, byte for character. */
    private static String text(byte[] bytes, int n) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes, 0, n)).toString();
        } catch (CharacterCodingException e) {
            return new String(bytes, 0, n, StandardCharsets.ISO_8859_1);
        }
    }

    private static String shorten(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }

    // ------------------------------------------------------------------ what the handler sees

    /** Why the request could not be read, or null. Such a request gets an answer and the connection closes. */
    public String problem() {
        return problem;
    }

    /** Upper case; empty when the request line could not be read. */
    public String method() {
        return method;
    }

    /** The request target as sent: {@code /path?query}, nothing decoded. */
    public String target() {
        return target;
    }

    /** Header names in lower case, values in the order sent. */
    public Map<String, List<String>> headers() {
        return headers;
    }

    public InetSocketAddress localAddress() {
        return local;
    }

    /**
     * Reads the whole body, refusing one longer than {@code max} bytes: by its {@code Content-Length} before
     * anything is read, or by counting while a chunked body arrives.
     *
     * @throws TooLarge when the body is longer than {@code max}
     * @throws Unreadable when its chunked framing is broken
     */
    public byte[] readBody(long max) throws IOException {
        if (body == null) {
            return new byte[0];
        }
        if (body.length > max) {
            bodyBroken = true;
            throw new TooLarge(body.length);
        }
        if (version.equals("HTTP/1.1") && headers.getOrDefault("expect", List.of()).stream().anyMatch("100-continue"::equalsIgnoreCase)) {
            out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }
        ByteArrayOutputStream all = new ByteArrayOutputStream((int) Math.min(body.length >= 0 ? body.length : 8192, max));
        byte[] buffer = new byte[16384];
        long total = 0;
        try {
            int n;
            while ((n = body.read(buffer, 0, buffer.length)) > 0) {
                total += n;
                if (total > max) {
                    bodyBroken = true;
                    throw new TooLarge(total);
                }
                all.write(buffer, 0, n);
            }
        } catch (Unreadable e) {
            bodyBroken = true;
            throw e;
        }
        return all.toByteArray();
    }

    /** Answers the request; a HEAD answer and 204/304 carry no body. */
    public void respond(Response response) throws IOException {
        respond(response, Duration.ZERO);
    }

    /**
     * Answers with the headers and the first half of the body, stalls, then sends the rest and closes: what a
     * hung server or proxy does to a client that waits for a whole body.
     */
    public void respondStalling(Response response, Duration stall) throws IOException {
        keepAlive = false;
        respond(response, stall);
    }

    private void respond(Response response, Duration stall) throws IOException {
        int status = response.status();
        boolean close = !keepAlive || problem != null || bodyBroken;
        StringBuilder head = new StringBuilder(256);
        head.append("HTTP/1.1 ").append(status).append(' ').append(Reasons.of(status)).append("\r\n");
        head.append("Date: ").append(DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC))).append("\r\n");
        response.headers().forEach((name, values) -> values.forEach(v -> head.append(name).append(": ").append(v).append("\r\n")));
        byte[] bytes = response.body();
        boolean bodyless = status == 204 || status == 304;
        if (!bodyless) {
            head.append("Content-Length: ").append(bytes.length).append("\r\n");
        }
        if (close) {
            head.append("Connection: close\r\n");
        } else if (version.equals("HTTP/1.0")) {
            head.append("Connection: keep-alive\r\n");
        }
        head.append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.UTF_8));
        if (!bodyless && !method.equals("HEAD")) {
            if (stall.isZero()) {
                out.write(bytes);
            } else {
                out.write(bytes, 0, bytes.length / 2);
                out.flush();
                try {
                    Thread.sleep(stall.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                out.write(bytes, bytes.length / 2, bytes.length - bytes.length / 2);
            }
        }
        out.flush();
        responded = true;
    }

    /** Closes the connection without any answer, as a failing proxy or server would. */
    public void drop() {
        dropped = true;
    }

    boolean dropped() {
        return dropped;
    }

    /**
     * After the handler: whether the connection can carry the next request. Skips a body the handler
     * left unread, so the next request starts where it should.
     */
    boolean reusable() throws IOException {
        if (dropped || !responded || !keepAlive || problem != null || bodyBroken) {
            return false;
        }
        if (body != null) {
            try {
                body.skipRest(Dispatcher.MAX_BODY);
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }

    /** Whether the client may still be sending (a refused body, an unread request), so closing should let it finish first. */
    boolean inputLeftUnread() {
        return bodyBroken || problem != null;
    }

    /** Reads a body framed by Content-Length or chunked transfer coding, never past its end. */
    private static final class BodyInput {
        private final InputStream in;
        private final long length;
        private long remaining;
        private boolean done;

        BodyInput(InputStream in, long length) {
            this.in = in;
            this.length = length;
            this.remaining = length >= 0 ? length : 0;
        }

        int read(byte[] b, int off, int len) throws IOException {
            if (done) {
                return -1;
            }
            if (length >= 0) {
                if (remaining == 0) {
                    done = true;
                    return -1;
                }
                int n = in.read(b, off, (int) Math.min(len, remaining));
                if (n < 0) {
                    throw new Unreadable("The body ended before its Content-Length of " + length + " bytes.");
                }
                remaining -= n;
                return n;
            }
            if (remaining == 0) {
                remaining = chunkSize();
                if (remaining == 0) {
                    trailers();
                    done = true;
                    return -1;
                }
            }
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n < 0) {
                throw new Unreadable("The body ended inside a chunk.");
            }
            remaining -= n;
            if (remaining == 0) {
                crlf();
            }
            return n;
        }

        private long chunkSize() throws IOException {
            String line = line();
            int semi = line.indexOf(';');
            String hex = (semi < 0 ? line : line.substring(0, semi)).trim();
            try {
                long size = Long.parseLong(hex, 16);
                if (size < 0) {
                    throw new NumberFormatException();
                }
                return size;
            } catch (NumberFormatException e) {
                throw new Unreadable("The chunk size '" + shorten(hex) + "' is not a hexadecimal number.");
            }
        }

        private void crlf() throws IOException {
            if (!line().isEmpty()) {
                throw new Unreadable("A chunk is longer than its size says.");
            }
        }

        private void trailers() throws IOException {
            int lines = 0;
            while (!line().isEmpty()) {
                if (++lines > MAX_HEADERS) {
                    throw new Unreadable("The chunked body has too many trailer lines.");
                }
            }
        }

        private String line() throws IOException {
            StringBuilder s = new StringBuilder();
            while (true) {
                int c = in.read();
                if (c < 0) {
                    throw new Unreadable("The body ended inside its chunked framing.");
                }
                if (c == '\n') {
                    int n = s.length();
                    return n > 0 && s.charAt(n - 1) == '\r' ? s.substring(0, n - 1) : s.toString();
                }
                if (s.length() > 4096) {
                    throw new Unreadable("A chunk header line is too long.");
                }
                s.append((char) c);
            }
        }

        /** Reads and discards what is left, at most {@code max} bytes. */
        void skipRest(long max) throws IOException {
            byte[] sink = new byte[16384];
            long skipped = 0;
            int n;
            while ((n = read(sink, 0, sink.length)) > 0) {
                skipped += n;
                if (skipped > max) {
                    throw new Unreadable("The unread body is too large to skip.");
                }
            }
        }
    }
}
