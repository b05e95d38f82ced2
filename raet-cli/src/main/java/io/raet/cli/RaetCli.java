package io.raet.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code raet} command: key generation, estates, the load generator, the router and yards. */
@Command(name = "raet", mixinStandardHelpOptions = true, version = "raet 0.1.0",
        description = "RAET road estates on UDP, wire-compatible with raet 0.6.8. Output is JSON lines.",
        subcommands = {KeygenCommand.class, ListenCommand.class, SendCommand.class, SoakCommand.class,
            RouterCommand.class, YardCommand.class, DecodeCommand.class})
public final class RaetCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
    }

    public static int execute(String... args) {
        CommandLine raet = new CommandLine(new RaetCli());
        PolicyCommand.register(raet);
        KeepCryptoCommand.register(raet);
        return raet
                .setExecutionExceptionHandler((ex, cmd, parsed) -> {
                    cmd.getErr().println("raet " + cmd.getCommandName() + ": " + ex.getMessage());
                    return 2;
                })
                .execute(args);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }
}
