package io.herald.ingest;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/** Each package of the service depends on others one way only, so the tree reads from the stages down. */
class PackageCycleTests {

    @Test
    void shouldHaveNoPackageCycle() {
        // One slice per package, the service's root package included.
        slices().matching("io.herald.(**)").should().beFreeOfCycles().check(new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.herald.ingest"));
    }
}
