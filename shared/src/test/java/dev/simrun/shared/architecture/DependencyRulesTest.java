package dev.simrun.shared.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The direction of dependencies that ARCHITECTURE.md promises, checked on every build. */
@AnalyzeClasses(
    packages = "dev.simrun.shared",
    importOptions = ImportOption.DoNotIncludeTests.class)
class DependencyRulesTest {

  /** Only the adapters next to a port talk to Google's SDKs. */
  @ArchTest
  static final ArchRule onlyAdaptersImportGoogleSdks =
      noClasses()
          .that()
          .resideOutsideOfPackages(
              "dev.simrun.shared.dispatch.cloudtasks..", "dev.simrun.shared.events.pubsub..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "com.google.cloud..", "com.google.api.gax..", "com.google.pubsub..", "io.grpc..")
          .because("adapters to Google Cloud are the only code that imports Google SDKs");

  /** The state rules and stores know nothing of HTTP. */
  @ArchTest
  static final ArchRule domainKnowsNoHttp =
      noClasses()
          .that()
          .resideInAnyPackage(
              "dev.simrun.shared.simulations..",
              "dev.simrun.shared.dispatch..",
              "dev.simrun.shared.events..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("io.micronaut.http..")
          .because("HTTP belongs to the api and worker modules");
}
