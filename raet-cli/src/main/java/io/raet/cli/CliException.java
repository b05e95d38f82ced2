package io.raet.cli;

/**
 * A failure the command reports in one line on standard error ({@code raet <command>: <message>}), with an exit
 * code: the message names the problem and what to do about it.
 */
final class CliException extends RuntimeException {
    /** Exit code of a command used wrongly or set up wrongly (options, files, addresses). */
    static final int USAGE = 2;
    /** Exit code of an exchange with a peer that failed (refused, no answer, undelivered). */
    static final int FAILED = 1;

    private final int exitCode;

    CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    CliException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    static CliException usage(String message) {
        return new CliException(USAGE, message);
    }

    static CliException usage(String message, Throwable cause) {
        return new CliException(USAGE, message, cause);
    }

    static CliException failed(String message) {
        return new CliException(FAILED, message);
    }

    int exitCode() {
        return exitCode;
    }
}
