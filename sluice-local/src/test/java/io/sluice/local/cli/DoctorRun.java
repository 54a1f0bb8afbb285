package io.sluice.local.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import picocli.CommandLine;

/** Runs {@code sluice doctor} through picocli and reads its text output: the runner of DoctorCommandTest and of sluice-aws-tools' DeployedCheckTest (in this module's test jar). */
public final class DoctorRun {
    private final StringWriter sw = new StringWriter();
    private final List<String> names;

    /** {@code names}: the check names the output may hold (some have spaces, e.g. "running instance"). */
    public DoctorRun(List<String> names) {
        this.names = List.copyOf(names);
    }

    public int run(String... args) {
        sw.getBuffer().setLength(0);
        CommandLine cl = new CommandLine(new DoctorCommand());
        cl.setOut(new PrintWriter(sw));
        return cl.execute(args);
    }

    public String out() {
        return sw.toString();
    }

    /** The check lines as status, name, message (the summary line excluded). */
    public List<String[]> lines() {
        List<String[]> rows = new ArrayList<>();
        for (String line : out().split("\\R")) {
            if (line.isEmpty() || line.startsWith("doctor: ")) {
                continue;
            }
            String status = line.substring(0, 5).strip();
            String rest = line.substring(6);
            String name = names.stream().filter(n -> rest.startsWith(n + " ")).max(Comparator.comparingInt(String::length))
                    .orElseThrow(() -> new AssertionError("no known check name at the start of '" + rest + "'"));
            rows.add(new String[] {status, name, rest.substring(name.length()).stripLeading()});
        }
        return rows;
    }

    public String[] line(String name) {
        return lines().stream().filter(r -> r[1].equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no '" + name + "' line in:\n" + out()));
    }
}
