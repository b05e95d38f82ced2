package io.raet.lane;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A non-blocking Unix-domain datagram socket bound to a path, through the FFM API (the JDK has only stream
 * AF_UNIX channels). Not thread-safe: one owner thread uses it.
 */
public final class UxdSocket implements AutoCloseable {
    /** What a send did. */
    public enum SendResult {
        SENT,
        /** The peer's queue is full (EAGAIN, EWOULDBLOCK, ENOBUFS): try again later. */
        WOULD_BLOCK,
        /** No socket at that path (ECONNREFUSED, ENOENT): the yard is gone. */
        PEER_GONE
    }

    private static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_NONBLOCK = 0x800;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int SOL_SOCKET = 1;
    private static final int SO_SNDBUF = 7;
    private static final int SO_RCVBUF = 8;
    private static final short POLLIN = 1;
    private static final int EAGAIN = 11;
    private static final int ENOBUFS = 105;
    private static final int ECONNREFUSED = 111;
    private static final int ENOENT = 2;
    private static final int EINTR = 4;
    private static final int PATH_MAX = 108;
    private static final int SOCKADDR_SIZE = 2 + PATH_MAX;

    private static final MethodHandle SOCKET;
    private static final MethodHandle BIND;
    private static final MethodHandle SENDTO;
    private static final MethodHandle RECVFROM;
    private static final MethodHandle POLL;
    private static final MethodHandle CLOSE;
    private static final MethodHandle SETSOCKOPT;
    private static final VarHandle ERRNO;
    private static final MemoryLayout CAPTURE;

    static {
        Linker linker = Linker.nativeLinker();
        SymbolLookup libc = linker.defaultLookup();
        Linker.Option errno = Linker.Option.captureCallState("errno");
        CAPTURE = Linker.Option.captureStateLayout();
        ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
        SOCKET = linker.downcallHandle(libc.findOrThrow("socket"),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), errno);
        BIND = linker.downcallHandle(libc.findOrThrow("bind"),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), errno);
        SENDTO = linker.downcallHandle(libc.findOrThrow("sendto"),
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT), errno);
        RECVFROM = linker.downcallHandle(libc.findOrThrow("recvfrom"),
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS), errno);
        POLL = linker.downcallHandle(libc.findOrThrow("poll"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT), errno);
        CLOSE = linker.downcallHandle(libc.findOrThrow("close"), FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        SETSOCKOPT = linker.downcallHandle(libc.findOrThrow("setsockopt"),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), errno);
    }

    private final Arena arena = Arena.ofShared();
    private final MemorySegment state = arena.allocate(CAPTURE);
    private final MemorySegment sendBuf = arena.allocate(65536);
    private final MemorySegment recvBuf = arena.allocate(65536);
    private final MemorySegment addr = arena.allocate(SOCKADDR_SIZE);
    private final MemorySegment addrLen = arena.allocate(JAVA_INT);
    private final MemorySegment pollFd = arena.allocate(8);
    private final Path path;
    private final int fd;
    private boolean closed;

    private UxdSocket(Path path, int fd) {
        this.path = path;
        this.fd = fd;
    }

    /** Creates a socket bound to {@code path} (a stale socket file there is replaced), mode 0600. */
    public static UxdSocket bind(Path path) {
        byte[] p = path.toString().getBytes(StandardCharsets.UTF_8);
        if (p.length >= PATH_MAX) {
            throw new UxdException("socket path longer than " + (PATH_MAX - 1) + " bytes: " + path, 0);
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new UxdException("cannot remove stale socket " + path + ": " + e.getMessage(), 0);
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            int fd = (int) SOCKET.invokeExact(st, AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
            if (fd < 0) {
                throw new UxdException("socket(AF_UNIX, SOCK_DGRAM) failed", (int) ERRNO.get(st, 0L));
            }
            UxdSocket s = new UxdSocket(path, fd);
            try {
                s.fillAddress(p);
                int rc = (int) BIND.invokeExact(st, fd, s.addr, 2 + p.length + 1);
                if (rc != 0) {
                    throw new UxdException("bind " + path + " failed", (int) ERRNO.get(st, 0L));
                }
                Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
                s.setBuffer(SO_SNDBUF, 4 << 20);
                s.setBuffer(SO_RCVBUF, 4 << 20);
                return s;
            } catch (RuntimeException | IOException e) {
                s.close();
                throw e instanceof UxdException u ? u : new UxdException("bind " + path + ": " + e.getMessage(), 0);
            }
        } catch (UxdException e) {
            throw e;
        } catch (Throwable t) {
            throw new UxdException("socket call failed: " + t, 0);
        }
    }

    public Path path() {
        return path;
    }

    private void fillAddress(byte[] p) {
        addr.fill((byte) 0);
        addr.set(JAVA_SHORT, 0, (short) AF_UNIX);
        MemorySegment.copy(p, 0, addr, JAVA_BYTE_LAYOUT, 2, p.length);
    }

    private static final java.lang.foreign.ValueLayout.OfByte JAVA_BYTE_LAYOUT = java.lang.foreign.ValueLayout.JAVA_BYTE;

    private void setBuffer(int option, int size) throws Throwable {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(JAVA_INT);
            v.set(JAVA_INT, 0, size);
            int rc = (int) SETSOCKOPT.invokeExact(state, fd, SOL_SOCKET, option, v, 4);
            if (rc != 0) {
                // Not fatal: the kernel keeps its default buffer size.
                return;
            }
        }
    }

    /** Sends one datagram to the socket at {@code to}. */
    public SendResult send(Path to, byte[] data, int off, int len) {
        ensureOpen();
        if (len > sendBuf.byteSize()) {
            throw new UxdException("datagram of " + len + " bytes exceeds 65536", 0);
        }
        byte[] p = to.toString().getBytes(StandardCharsets.UTF_8);
        if (p.length >= PATH_MAX) {
            throw new UxdException("socket path too long: " + to, 0);
        }
        fillAddress(p);
        MemorySegment.copy(data, off, sendBuf, JAVA_BYTE_LAYOUT, 0, len);
        try {
            while (true) {
                long n = (long) SENDTO.invokeExact(state, fd, sendBuf, (long) len, 0, addr, 2 + p.length + 1);
                if (n >= 0) {
                    return SendResult.SENT;
                }
                int err = (int) ERRNO.get(state, 0L);
                switch (err) {
                    case EINTR -> {
                        continue;
                    }
                    case EAGAIN, ENOBUFS -> {
                        return SendResult.WOULD_BLOCK;
                    }
                    case ECONNREFUSED, ENOENT -> {
                        return SendResult.PEER_GONE;
                    }
                    default -> throw new UxdException("sendto " + to + " failed", err);
                }
            }
        } catch (UxdException e) {
            throw e;
        } catch (Throwable t) {
            throw new UxdException("sendto failed: " + t, 0);
        }
    }

    /** A received datagram: its bytes and the sender's socket path (null for an unbound sender). */
    public record Datagram(byte[] data, Path from) {}

    /** Receives one datagram if one is waiting, else returns null at once. */
    public Datagram receive() {
        ensureOpen();
        try {
            while (true) {
                addrLen.set(JAVA_INT, 0, SOCKADDR_SIZE);
                addr.fill((byte) 0);
                long n = (long) RECVFROM.invokeExact(state, fd, recvBuf, recvBuf.byteSize(), 0, addr, addrLen);
                if (n < 0) {
                    int err = (int) ERRNO.get(state, 0L);
                    if (err == EINTR) {
                        continue;
                    }
                    if (err == EAGAIN) {
                        return null;
                    }
                    throw new UxdException("recvfrom failed", err);
                }
                byte[] data = recvBuf.asSlice(0, n).toArray(JAVA_BYTE_LAYOUT);
                int alen = addrLen.get(JAVA_INT, 0);
                Path from = null;
                if (alen > 2) {
                    byte[] raw = addr.asSlice(2, Math.min(alen - 2, PATH_MAX)).toArray(JAVA_BYTE_LAYOUT);
                    int end = 0;
                    while (end < raw.length && raw[end] != 0) {
                        end++;
                    }
                    if (end > 0) {
                        from = Path.of(new String(raw, 0, end, StandardCharsets.UTF_8));
                    }
                }
                return new Datagram(data, from);
            }
        } catch (UxdException e) {
            throw e;
        } catch (Throwable t) {
            throw new UxdException("recvfrom failed: " + t, 0);
        }
    }

    /** Waits up to {@code timeoutMillis} for a datagram to read; true when one is waiting. */
    public boolean poll(int timeoutMillis) {
        ensureOpen();
        pollFd.set(JAVA_INT, 0, fd);
        pollFd.set(JAVA_SHORT, 4, POLLIN);
        pollFd.set(JAVA_SHORT, 6, (short) 0);
        try {
            int rc = (int) POLL.invokeExact(state, pollFd, 1L, timeoutMillis);
            if (rc < 0) {
                int err = (int) ERRNO.get(state, 0L);
                if (err == EINTR) {
                    return false;
                }
                throw new UxdException("poll failed", err);
            }
            return rc > 0 && (pollFd.get(JAVA_SHORT, 6) & POLLIN) != 0;
        } catch (UxdException e) {
            throw e;
        } catch (Throwable t) {
            throw new UxdException("poll failed: " + t, 0);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new UxdException("socket " + path + " is closed", 0);
        }
    }

    /** Closes the socket and removes its file. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            int rc = (int) CLOSE.invokeExact(fd);
            if (rc != 0) {
                // nothing more to do
            }
        } catch (Throwable t) {
            // closing anyway
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // left behind; the next bind replaces it
        }
        arena.close();
    }
}
