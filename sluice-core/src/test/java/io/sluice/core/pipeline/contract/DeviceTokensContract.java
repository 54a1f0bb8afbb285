package io.sluice.core.pipeline.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.telemetry.DeviceTokens;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** What every {@link DeviceTokens} adapter must do (IOT-7; issue 18). Extend it once per adapter. */
public abstract class DeviceTokensContract {

    protected abstract DeviceTokens tokens();

    @Test
    @DisplayName("a token names its device; another token, or none registered, names nothing")
    void aTokenNamesItsDevice() {
        DeviceTokens t = tokens();
        String token = DeviceTokens.newToken();
        assertThat(t.add("pump-7", token, 1_000L)).isTrue();
        assertThat(t.deviceOf(token)).contains("pump-7");
        assertThat(t.deviceOf(DeviceTokens.newToken())).isEmpty();
        assertThat(t.deviceOf(token.substring(1))).isEmpty();
    }

    @Test
    @DisplayName("an active device cannot be added twice; revoked, its token is refused; added again, only the new token works")
    void revokeAndAddAgain() {
        DeviceTokens t = tokens();
        String first = DeviceTokens.newToken();
        assertThat(t.add("meter-1", first, 1_000L)).isTrue();
        assertThat(t.add("meter-1", DeviceTokens.newToken(), 2_000L)).isFalse();
        assertThat(t.deviceOf(first)).contains("meter-1");
        assertThat(t.revoke("meter-1", 3_000L)).isTrue();
        assertThat(t.revoke("meter-1", 4_000L)).isFalse();
        assertThat(t.revoke("nobody", 4_000L)).isFalse();
        assertThat(t.deviceOf(first)).isEmpty();
        String second = DeviceTokens.newToken();
        assertThat(t.add("meter-1", second, 5_000L)).isTrue();
        assertThat(t.deviceOf(second)).contains("meter-1");
        assertThat(t.deviceOf(first)).isEmpty();
    }

    @Test
    @DisplayName("list: every device by id with its times, never a token")
    void listsDevices() {
        DeviceTokens t = tokens();
        t.add("b-2", DeviceTokens.newToken(), 20L);
        t.add("a-1", DeviceTokens.newToken(), 10L);
        t.revoke("b-2", 30L);
        assertThat(t.list()).containsExactly(new DeviceTokens.Device("a-1", 10L, null), new DeviceTokens.Device("b-2", 20L, 30L));
    }
}
