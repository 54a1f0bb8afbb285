package io.sluice.core.pipeline;

import io.sluice.core.cdr.SubscriberProfile;
import java.util.Collection;
import java.util.Map;

/** Subscriber profiles by MSISDN (CDR-6). DynamoDB on AWS, the embedded store on one machine. */
public interface ProfileStore {

    /**
     * Looks up many subscribers at once (one BatchGetItem, one query). Numbers without a profile are simply
     * absent from the result.
     */
    Map<String, SubscriberProfile> findAll(Collection<String> msisdns);
}
