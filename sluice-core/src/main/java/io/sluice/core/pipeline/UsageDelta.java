package io.sluice.core.pipeline;

import java.util.Map;

/**
 * One batch's counters, pre-aggregated so a store writes once per subscriber-day and route-hour rather than
 * once per record (CDR-7).
 */
public record UsageDelta(Map<SubscriberDay, UsageCounters> usage, Map<RouteHour, RouteCounters> routes) {

    public boolean isEmpty() {
        return usage.isEmpty() && routes.isEmpty();
    }

    /** A subscriber (caller MSISDN, E.164 where possible) on one UTC day. */
    public record SubscriberDay(String msisdn, int epochDay) {
    }

    /** A route or trunk in one UTC hour, as epoch seconds at the top of the hour. */
    public record RouteHour(String route, long hourEpochSecond) {
    }

    /** Usage of one subscriber on one day. */
    public static final class UsageCounters {
        public long calls;
        public long answered;
        public long seconds;
        public long internationalCalls;
        public long internationalSeconds;

        public void add(UsageCounters o) {
            calls += o.calls;
            answered += o.answered;
            seconds += o.seconds;
            internationalCalls += o.internationalCalls;
            internationalSeconds += o.internationalSeconds;
        }
    }

    /** Attempts, answered calls and billed seconds of one route in one hour: ASR = answered / attempts, ACD = seconds / answered. */
    public static final class RouteCounters {
        public long attempts;
        public long answered;
        public long seconds;

        public void add(RouteCounters o) {
            attempts += o.attempts;
            answered += o.answered;
            seconds += o.seconds;
        }
    }
}
