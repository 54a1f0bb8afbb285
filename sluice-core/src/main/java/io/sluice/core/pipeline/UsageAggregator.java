package io.sluice.core.pipeline;

import io.sluice.core.cdr.Cdr;
import io.sluice.core.cdr.Disposition;
import io.sluice.core.pipeline.UsageDelta.RouteCounters;
import io.sluice.core.pipeline.UsageDelta.RouteHour;
import io.sluice.core.pipeline.UsageDelta.SubscriberDay;
import io.sluice.core.pipeline.UsageDelta.UsageCounters;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Usage per subscriber per day and route statistics per hour (CDR-7). Every record counts in exactly one
 * usage row and one route row; withheld callers count under an empty subscriber.
 */
public final class UsageAggregator {

    public UsageDelta aggregate(List<Cdr> records) {
        Map<SubscriberDay, UsageCounters> usage = new HashMap<>(Math.max(16, records.size() / 2));
        Map<RouteHour, RouteCounters> routes = new HashMap<>();
        for (Cdr r : records) {
            boolean answered = r.disposition() == Disposition.ANSWERED;
            long billsec = r.times().billsec();
            UsageCounters u = usage.computeIfAbsent(new SubscriberDay(r.caller().text(), r.startDay()), k -> new UsageCounters());
            u.calls++;
            if (answered) {
                u.answered++;
            }
            u.seconds += billsec;
            if (r.international()) {
                u.internationalCalls++;
                u.internationalSeconds += billsec;
            }
            RouteCounters c = routes.computeIfAbsent(new RouteHour(r.route(), r.startHour()), k -> new RouteCounters());
            c.attempts++;
            if (answered) {
                c.answered++;
            }
            c.seconds += billsec;
        }
        return new UsageDelta(usage, routes);
    }
}
