package io.sluice.local.cli;

/** What {@code sluice}'s exit status means, the same for every command (also listed in {@code --help}). */
public final class ExitCodes {
    /** Everything done; every record accepted or a known duplicate. */
    public static final int OK = 0;
    /** A fault stopped the command: the store could not be opened, a disk error, a bug. Nothing half-done is committed. */
    public static final int FAILED = 1;
    /** The command line was wrong (unknown option, missing argument). */
    public static final int USAGE = 2;
    /** The command finished, but some records were rejected (see {@code sluice dlq list}) or some inputs could not be read. */
    public static final int REJECTED = 3;

    /** The {@code --help} lines of the codes above, shared by every command's {@code exitCodeList}. */
    static final String HELP_OK = "0:Success: every record accepted or a known duplicate.";
    static final String HELP_FAILED = "1:Failure: the command could not run (store locked or unreadable, disk error).";
    static final String HELP_USAGE = "2:Usage error: unknown option or missing argument.";
    static final String HELP_REJECTED = "3:Done, but some records were rejected (see 'sluice dlq list') or some inputs could not be read.";

    private ExitCodes() {
    }
}
