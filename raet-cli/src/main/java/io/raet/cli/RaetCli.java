package io.raet.cli;

import io.raet.keep.KeepException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;

/** The {@code raet} command: key generation, estates, the load generator, the router, yards and keeps. */
@Command(name = "raet", mixinStandardHelpOptions = true, version = "raet 0.1.0",
        description = {"RAET road estates on UDP, wire-compatible with raet 0.6.8. Output is JSON lines on standard"
                + " output; a failure is one line on standard error (`raet <command>: what is wrong: what to do`)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done", "1:an exchange with a peer failed (refused, no answer, undelivered)",
            "2:wrong usage or setup (options, files, addresses, ports)", "3:send: the main's key is not --main-key",
            "4:send: no reply came (--wait-reply)"},
        subcommands = {KeygenCommand.class, ListenCommand.class, SendCommand.class, SoakCommand.class,
            RouterCommand.class, YardCommand.class, KeepCommand.class, DecodeCommand.class})
public final class RaetCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "on failure, print the stack trace too; log at INFO with stack traces")
    boolean verbose;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
    }

    /** Runs the command line with these arguments and returns the exit code. */
    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new RaetCli());
        PolicyCommand.register(cl);
        KeepCryptoCommand.register(cl);
        cl.setParameterExceptionHandler((ex, a) -> {
            CommandLine c = ex.getCommandLine();
            PrintWriter err = c.getErr();
            err.println(c.getCommandSpec().qualifiedName() + ": " + ex.getMessage() + " (see "
                    + c.getCommandSpec().qualifiedName() + " --help)");
            err.flush();
            return CliException.USAGE;
        });
        cl.setExecutionStrategy(parsed -> {
            boolean v = verbose(parsed);
            if (v && System.getProperty("RAET_LOG") == null && System.getenv("RAET_LOG") == null) {
                System.setProperty("RAET_LOG", "INFO");
            }
            // Stack traces in log lines only with --verbose (read by logback.xml when logging starts).
            System.setProperty("RAET_LOG_EX", v ? "%ex" : "%nopex");
            return new CommandLine.RunLast().execute(parsed);
        });
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            Throwable t = unwrap(ex);
            PrintWriter err = cmd.getErr();
            err.println(cmd.getCommandSpec().qualifiedName() + ": " + describe(t));
            if (verbose(parsed)) {
                ex.printStackTrace(err);
            }
            err.flush();
            return t instanceof CliException c ? c.exitCode() : CliException.USAGE;
        });
        return cl.execute(args);
    }

    static boolean verbose(ParseResult parsed) {
        for (ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }

    static Throwable unwrap(Throwable t) {
        while ((t instanceof ExecutionException || t instanceof CompletionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** One line for a failure that reached the top: the message the library or the command wrote for it. */
    static String describe(Throwable t) {
        if (t instanceof CliException || t instanceof IllegalArgumentException || t instanceof KeepException
                || t instanceof IllegalStateException) {
            return String.valueOf(t.getMessage());
        }
        if (t instanceof UncheckedIOException u && u.getCause() instanceof BindException) {
            return u.getMessage();
        }
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }
}
