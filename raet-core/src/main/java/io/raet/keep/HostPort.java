package io.raet.keep;

/**
 * A host address as the keep stores it: the JSON array {@code [host, port]}. The host is kept verbatim (the
 * reference stores dotted IP strings; the local {@code aha} may be {@code ""} for "all interfaces").
 *
 * @param host the host, verbatim
 * @param port the UDP port
 */
public record HostPort(String host, int port) {
    /**
     * Checks the host and port.
     *
     * @throws KeepException when the host is null or holds a control character, or the port is not 0..65535
     */
    public HostPort {
        if (host == null) {
            throw new KeepException("host must not be null");
        }
        for (int i = 0; i < host.length(); i++) {
            if (Character.isISOControl(host.charAt(i))) {
                throw new KeepException("host contains a control character");
            }
        }
        if (port < 0 || port > 0xffff) {
            throw new KeepException("port must be 0..65535, got " + port);
        }
    }

    @Override
    public String toString() {
        return "[" + host + ", " + port + "]";
    }
}
