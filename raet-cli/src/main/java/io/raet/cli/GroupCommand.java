package io.raet.cli;

import picocli.CommandLine;

/** A command that only groups subcommands: run alone, it asks for one. */
@CommandLine.Command
abstract class GroupCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
    }
}
