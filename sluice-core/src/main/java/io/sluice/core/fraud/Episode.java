package io.sluice.core.fraud;

import java.util.List;

/**
 * A stretch of event time in which a {@link WindowRule} held for one subscriber: one alert, however long it held.
 * Holding points closer than the cooldown belong to one episode, so a rule that flaps raises no second alert.
 *
 * @param subscriber      the subscriber in E.164
 * @param rule            the rule's name
 * @param windowStart     start of the first call in the window where the rule first held (epoch seconds)
 * @param firstHeld       the call at which the rule first held
 * @param lastHeld        the last call at which it held
 * @param clearsAt        when the rule has stopped holding for sure: the last holding window has passed
 * @param calls           weighted qualifying calls in the first holding window
 * @param destinations    distinct destinations in that window
 * @param topDestinations up to three destinations of that window, most called first (ties by number)
 * @param firstKey        key of the first call of that window
 * @param lastKey         key of the call at which the rule first held
 * @param peakCalls       the most weighted calls any holding window of the episode had
 */
public record Episode(String subscriber, String rule, long windowStart, long firstHeld, long lastHeld, long clearsAt,
                      int calls, int destinations, List<String> topDestinations, String firstKey, String lastKey, int peakCalls) {

    public Episode {
        topDestinations = List.copyOf(topDestinations);
    }
}
