package dev.simrun.kinds;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * What the kinds' poms cannot say: besides the artifacts the build bans (kinds/pom.xml), the kinds'
 * code uses no HTTP, JDBC or Google types that come with the JDK or another module's jar.
 */
@AnalyzeClasses(packages = "dev.simrun.kinds", importOptions = ImportOption.DoNotIncludeTests.class)
class DependencyRulesTest {

  /** Kinds run the same in a worker, a test or a benchmark: no HTTP, JDBC or Google types. */
  @ArchTest
  static final ArchRule kindsArePlainJava =
      noClasses()
          .that()
          .resideInAPackage("dev.simrun.kinds..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "io.micronaut.http..",
              "java.net.http..",
              "com.sun.net.httpserver..",
              "java.sql..",
              "javax.sql..",
              "com.google..",
              "io.grpc..",
              "dev.simrun.shared..")
          .because(
              "simulation kinds import no HTTP, JDBC, Google or platform types: they reach"
                  + " datasets and endpoints through the SPI's ports");
}
