package io.sluice.local.cli;

import io.sluice.local.store.StoreException;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code sluice} command line: the one-machine home of the Sluice core. */
@Command(name = "sluice", mixinStandardHelpOptions = true, version = "sluice 0.1.0",
        description = {
            "Ingest and process telecom call detail records (CDRs) on one machine.",
            "Validates, normalizes to E.164, de-duplicates, enriches with subscriber profiles, aggregates,",
            "archives as Parquet and reports, with the same core that runs on AWS Lambda.",
            "State lives in --data-dir (default: sluice-data in the current folder).",
            "Start with 'sluice demo'; every command has its own --help."
        },
        subcommands = {
            DemoCommand.class, UpCommand.class, StatusCommand.class, DoctorCommand.class, GenerateCommand.class, IngestCommand.class, ProfilesCommand.class, ReportCommand.class,
            RecordsCommand.class, DlqCommand.class, AlertsCommand.class, MigrateCommand.class, SimulateCommand.class, DevicesCommand.class, SimulateDevicesCommand.class
            // then the extensions' commands (the AWS developer tools: invoke, redrive), then help: see commandLine()
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {ExitCodes.HELP_OK, ExitCodes.HELP_FAILED, ExitCodes.HELP_USAGE, ExitCodes.HELP_REJECTED})
public final class SluiceCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new SluiceCli());
        // Before the settings below, which apply to the subcommands present when they are made.
        for (SluiceExtension extension : SluiceExtension.installed()) {
            extension.subcommands().forEach(cl::addSubcommand);
        }
        for (List<String> tool : AwsToolsMissing.TOOLS) {
            if (!cl.getSubcommands().containsKey(tool.get(0))) {
                CommandLine missing = new CommandLine(new AwsToolsMissing(tool.get(0)));
                missing.getCommandSpec().usageMessage().description(tool.get(1) + " (Not in this distribution: needs the "
                        + AwsToolsMissing.MODULE + " module.)");
                cl.addSubcommand(tool.get(0), missing);
            }
        }
        cl.addSubcommand(new CommandLine.HelpCommand());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.registerConverter(java.time.LocalDate.class, s -> {
            try {
                return java.time.LocalDate.parse(s);
            } catch (java.time.format.DateTimeParseException e) {
                throw new CommandLine.TypeConversionException("'" + s + "' is not a date: use YYYY-MM-DD, e.g. 2026-11-20");
            }
        });
        cl.registerConverter(io.sluice.core.cdr.FreeSwitchTemplate.class, s -> {
            try {
                return io.sluice.core.cdr.FreeSwitchTemplate.parse(s);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        });
        cl.registerConverter(io.sluice.core.fraud.FraudRules.class, s -> {
            try {
                return io.sluice.local.alerts.RulesFile.read(java.nio.file.Path.of(s));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        });
        cl.registerConverter(java.time.ZoneId.class, s -> {
            try {
                return java.time.ZoneId.of(s);
            } catch (java.time.DateTimeException e) {
                throw new CommandLine.TypeConversionException("'" + s + "' is not a time zone: use UTC or a region such as Europe/Berlin");
            }
        });
        // A usage error is one line and where to read more, not the whole help (issue 22).
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine bad = ex.getCommandLine();
            bad.getErr().println("sluice: " + ex.getMessage());
            bad.getErr().println("Try '" + bad.getCommandSpec().qualifiedName() + " --help' for its options.");
            return ExitCodes.USAGE;
        });
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            String message = Faults.explain(e).orElseGet(() -> e instanceof StoreException || e instanceof IllegalArgumentException
                    ? e.getMessage() : e.getClass().getSimpleName() + ": " + e.getMessage());
            commandLine.getErr().println("sluice: " + message);
            if (System.getenv("SLUICE_DEBUG") != null) {
                e.printStackTrace(commandLine.getErr());
            }
            return ExitCodes.FAILED;
        });
        return cl;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
