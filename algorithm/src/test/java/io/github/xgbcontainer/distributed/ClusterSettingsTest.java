package io.github.xgbcontainer.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.xgbcontainer.error.UserError;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterSettingsTest {

  @Test
  void fromEnvironment_defaultsWhenUnsetOrBlank() {
    ClusterSettings s = ClusterSettings.fromEnvironment(Map.of(ClusterSettings.TIMEOUT_ENV, " "));
    assertEquals(new ClusterSettings(Duration.ofSeconds(900), 9099, 60), s);
    assertEquals(9100, s.trainingPort());
  }

  @Test
  void fromEnvironment_readsAllThree() {
    ClusterSettings s = ClusterSettings.fromEnvironment(Map.of(ClusterSettings.HOST_WAIT_ENV, "30",
        ClusterSettings.TRACKER_PORT_ENV, "12000", ClusterSettings.TIMEOUT_ENV, "5"));
    assertEquals(new ClusterSettings(Duration.ofSeconds(30), 12000, 5), s);
  }

  @Test
  void fromEnvironment_rejectsAPortWithoutRoomForTheNextOne() {
    UserError e = assertThrows(UserError.class,
        () -> ClusterSettings.fromEnvironment(Map.of(ClusterSettings.TRACKER_PORT_ENV, "65535")));
    assertEquals("environment variable SM_TRACKER_PORT: '65535' is not a whole number in [1, 65534]; perhaps you "
        + "should unset it to use the default 9099", e.getMessage());
  }

  @Test
  void fromEnvironment_rejectsText() {
    UserError e = assertThrows(UserError.class,
        () -> ClusterSettings.fromEnvironment(Map.of(ClusterSettings.HOST_WAIT_ENV, "15m")));
    assertEquals("environment variable SM_HOST_WAIT_SECONDS: '15m' is not a whole number in [1, 2147483647]; "
        + "perhaps you should unset it to use the default 900", e.getMessage());
  }
}
