package io.sluice.local.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.pipeline.Notifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real browser (issue 19, MON-4): headless Chromium driven by Selenium signs in with the token,
 * and the page shows the functions, a firing alarm and an error record; a screenshot is saved as
 * target/dashboard.png. Needs Debian's chromium and chromium-driver (.ci/run installs them); without them the test is
 * skipped, unless SLUICE_REQUIRE_BROWSER=1 (as in CI), where their absence fails it.
 */
class DashboardBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    @TempDir
    Path dataDir;
    private LocalRuntime rt;
    private ChromeDriver browser;
    private final List<Notifier.Alert> told = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (rt != null) {
            rt.stop();
        }
    }

    @Test
    @DisplayName("the page loads, shows the functions, a firing alarm and an error record, and filters errors by function")
    void dashboardShowsAlarmAndErrors() throws Exception {
        boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER);
        if (!installed && "1".equals(System.getenv("SLUICE_REQUIRE_BROWSER"))) {
            throw new AssertionError("SLUICE_REQUIRE_BROWSER=1 but " + CHROMIUM + " or " + DRIVER
                    + " is missing: apt-get install chromium chromium-driver");
        }
        Assumptions.assumeTrue(installed, "chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)");

        rt = MonitoringTest.startWithOneSecondAlarms(dataDir, told::add);
        MonitoringTest.simulate(rt, "billing", 50, 0, 2);
        // Failing all along the page's checks, so that the alarm is still firing when the browser looks.
        MonitoringTest.startSimulation(rt, "checkout", 100, 0.5, 60);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (told.stream().noneMatch(a -> "checkout-error-rate".equals(a.attributes().get("alarm")))) {
            assertThat(System.nanoTime()).as("the alarm fires").isLessThan(deadline);
            Thread.sleep(50);
        }

        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1800");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        browser.get("http://127.0.0.1:" + rt.port() + "/?token=" + rt.token());
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
        wait.until(d -> "true".equals(d.findElement(By.tagName("body")).getDomAttribute("data-loaded")));

        List<String> functions = browser.findElements(By.cssSelector("#summary tbody tr")).stream()
                .map(r -> r.getDomAttribute("data-function")).toList();
        assertThat(functions).contains("checkout", "billing");
        WebElement alarm = browser.findElement(By.cssSelector("#alarms tr[data-alarm='checkout-error-rate']"));
        assertThat(alarm.getDomAttribute("data-state")).isEqualTo("ALARM");
        assertThat(alarm.getText()).contains("ALARM");
        assertThat(browser.findElement(By.cssSelector("#alarms tr[data-alarm='billing-error-rate']")).getDomAttribute("data-state"))
                .isNotEqualTo("ALARM");
        List<WebElement> errors = browser.findElements(By.cssSelector("#errors tbody tr"));
        assertThat(errors).isNotEmpty();
        assertThat(errors.get(0).getText()).contains("checkout").contains("SimulatedFailure");
        assertThat(browser.findElements(By.cssSelector(".function-charts[data-function='checkout'] canvas"))).as("uPlot drew").isNotEmpty();

        // The filter: billing had no errors.
        new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("error-function"))).selectByValue("billing");
        wait.until(d -> d.findElements(By.cssSelector("#errors tbody tr")).isEmpty());
        assertThat(browser.findElement(By.id("no-errors")).isDisplayed()).isTrue();
        new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("error-function"))).selectByValue("");
        wait.until(d -> !d.findElements(By.cssSelector("#errors tbody tr")).isEmpty());

        Path shot = Path.of("target", "dashboard.png");
        Files.createDirectories(shot.getParent());
        Files.write(shot, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        assertThat(Files.size(shot)).isGreaterThan(10_000);
    }
}
