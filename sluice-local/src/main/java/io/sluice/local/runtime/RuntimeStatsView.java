package io.sluice.local.runtime;

/** A snapshot of what 'sluice up' did, for its closing line. */
public record RuntimeStatsView(long requestsAccepted, long requestsThrottled, long recordsIn, long accepted, long rejected,
                               long duplicates, long filesProcessed, long filesDuplicate, long filesFailed) {
}
