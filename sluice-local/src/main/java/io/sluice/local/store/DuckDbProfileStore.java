package io.sluice.local.store;

import io.sluice.core.cdr.SubscriberProfile;
import io.sluice.core.pipeline.ProfileStore;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/** Subscriber profiles in the {@code profiles} table (CDR-6): one query per batch for all its callers. */
public final class DuckDbProfileStore implements ProfileStore {
    private final LocalStore store;

    public DuckDbProfileStore(LocalStore store) {
        this.store = store;
    }

    @Override
    public Map<String, SubscriberProfile> findAll(Collection<String> msisdns) {
        Map<String, SubscriberProfile> found = new HashMap<>();
        if (msisdns.isEmpty()) {
            return found;
        }
        try (PreparedStatement p = store.connection().prepareStatement(
                "SELECT msisdn, plan, home_country, status FROM profiles WHERE msisdn IN (SELECT unnest(?))")) {
            Array array = store.connection().createArrayOf("VARCHAR", msisdns.toArray());
            p.setArray(1, array);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    found.put(rs.getString(1), new SubscriberProfile(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)));
                }
            }
            return found;
        } catch (SQLException e) {
            throw new StoreException("Cannot look up " + msisdns.size() + " subscriber profiles: " + LocalStore.firstLine(e.getMessage()), e);
        }
    }
}
