package compat_test

import "testing"

// One golden case per change kind, in testdata/breaking/<kind>/: the
// previous and current schema and the findings wanted.

// Annotations.

func TestBreakingIdChanged(t *testing.T)          { testBreaking(t, "id_changed") }
func TestBreakingDescriptionChanged(t *testing.T) { testBreaking(t, "description_changed") }
func TestBreakingTitleChanged(t *testing.T)       { testBreaking(t, "title_changed") }
func TestBreakingDefaultChanged(t *testing.T)     { testBreaking(t, "default_changed") }
func TestBreakingExamplesChanged(t *testing.T)    { testBreaking(t, "examples_changed") }
func TestBreakingCommentChanged(t *testing.T)     { testBreaking(t, "comment_changed") }
func TestBreakingDeprecatedChanged(t *testing.T)  { testBreaking(t, "deprecated_changed") }
func TestBreakingReadOnlyChanged(t *testing.T)    { testBreaking(t, "read_only_changed") }
func TestBreakingWriteOnlyChanged(t *testing.T)   { testBreaking(t, "write_only_changed") }
func TestBreakingKeywordChanged(t *testing.T)     { testBreaking(t, "keyword_changed") }

// Types.

func TestBreakingSchemaAdded(t *testing.T)   { testBreaking(t, "schema_added") }
func TestBreakingSchemaRemoved(t *testing.T) { testBreaking(t, "schema_removed") }
func TestBreakingTypeExtended(t *testing.T)  { testBreaking(t, "type_extended") }
func TestBreakingTypeNarrowed(t *testing.T)  { testBreaking(t, "type_narrowed") }
func TestBreakingTypeChanged(t *testing.T)   { testBreaking(t, "type_changed") }

// Strings.

func TestBreakingMaxLengthAdded(t *testing.T)          { testBreaking(t, "max_length_added") }
func TestBreakingMaxLengthRemoved(t *testing.T)        { testBreaking(t, "max_length_removed") }
func TestBreakingMaxLengthIncreased(t *testing.T)      { testBreaking(t, "max_length_increased") }
func TestBreakingMaxLengthDecreased(t *testing.T)      { testBreaking(t, "max_length_decreased") }
func TestBreakingMinLengthAdded(t *testing.T)          { testBreaking(t, "min_length_added") }
func TestBreakingMinLengthRemoved(t *testing.T)        { testBreaking(t, "min_length_removed") }
func TestBreakingMinLengthIncreased(t *testing.T)      { testBreaking(t, "min_length_increased") }
func TestBreakingMinLengthDecreased(t *testing.T)      { testBreaking(t, "min_length_decreased") }
func TestBreakingPatternAdded(t *testing.T)            { testBreaking(t, "pattern_added") }
func TestBreakingPatternRemoved(t *testing.T)          { testBreaking(t, "pattern_removed") }
func TestBreakingPatternChanged(t *testing.T)          { testBreaking(t, "pattern_changed") }
func TestBreakingFormatAdded(t *testing.T)             { testBreaking(t, "format_added") }
func TestBreakingFormatRemoved(t *testing.T)           { testBreaking(t, "format_removed") }
func TestBreakingFormatChanged(t *testing.T)           { testBreaking(t, "format_changed") }
func TestBreakingContentEncodingAdded(t *testing.T)    { testBreaking(t, "content_encoding_added") }
func TestBreakingContentEncodingRemoved(t *testing.T)  { testBreaking(t, "content_encoding_removed") }
func TestBreakingContentEncodingChanged(t *testing.T)  { testBreaking(t, "content_encoding_changed") }
func TestBreakingContentMediaTypeAdded(t *testing.T)   { testBreaking(t, "content_media_type_added") }
func TestBreakingContentMediaTypeRemoved(t *testing.T) { testBreaking(t, "content_media_type_removed") }
func TestBreakingContentMediaTypeChanged(t *testing.T) { testBreaking(t, "content_media_type_changed") }

// Numbers.

func TestBreakingMaximumAdded(t *testing.T)            { testBreaking(t, "maximum_added") }
func TestBreakingMaximumRemoved(t *testing.T)          { testBreaking(t, "maximum_removed") }
func TestBreakingMaximumIncreased(t *testing.T)        { testBreaking(t, "maximum_increased") }
func TestBreakingMaximumDecreased(t *testing.T)        { testBreaking(t, "maximum_decreased") }
func TestBreakingMinimumAdded(t *testing.T)            { testBreaking(t, "minimum_added") }
func TestBreakingMinimumRemoved(t *testing.T)          { testBreaking(t, "minimum_removed") }
func TestBreakingMinimumIncreased(t *testing.T)        { testBreaking(t, "minimum_increased") }
func TestBreakingMinimumDecreased(t *testing.T)        { testBreaking(t, "minimum_decreased") }
func TestBreakingExclusiveMaximumAdded(t *testing.T)   { testBreaking(t, "exclusive_maximum_added") }
func TestBreakingExclusiveMaximumRemoved(t *testing.T) { testBreaking(t, "exclusive_maximum_removed") }
func TestBreakingExclusiveMaximumIncreased(t *testing.T) {
	testBreaking(t, "exclusive_maximum_increased")
}
func TestBreakingExclusiveMaximumDecreased(t *testing.T) {
	testBreaking(t, "exclusive_maximum_decreased")
}
func TestBreakingExclusiveMinimumAdded(t *testing.T)   { testBreaking(t, "exclusive_minimum_added") }
func TestBreakingExclusiveMinimumRemoved(t *testing.T) { testBreaking(t, "exclusive_minimum_removed") }
func TestBreakingExclusiveMinimumIncreased(t *testing.T) {
	testBreaking(t, "exclusive_minimum_increased")
}
func TestBreakingExclusiveMinimumDecreased(t *testing.T) {
	testBreaking(t, "exclusive_minimum_decreased")
}
func TestBreakingMultipleOfAdded(t *testing.T)    { testBreaking(t, "multiple_of_added") }
func TestBreakingMultipleOfRemoved(t *testing.T)  { testBreaking(t, "multiple_of_removed") }
func TestBreakingMultipleOfExpanded(t *testing.T) { testBreaking(t, "multiple_of_expanded") }
func TestBreakingMultipleOfReduced(t *testing.T)  { testBreaking(t, "multiple_of_reduced") }
func TestBreakingMultipleOfChanged(t *testing.T)  { testBreaking(t, "multiple_of_changed") }

// Enums and combinations.

func TestBreakingEnumArrayExtended(t *testing.T)    { testBreaking(t, "enum_array_extended") }
func TestBreakingEnumArrayNarrowed(t *testing.T)    { testBreaking(t, "enum_array_narrowed") }
func TestBreakingEnumArrayChanged(t *testing.T)     { testBreaking(t, "enum_array_changed") }
func TestBreakingCombinedTypeExtended(t *testing.T) { testBreaking(t, "combined_type_extended") }
func TestBreakingCombinedTypeChanged(t *testing.T)  { testBreaking(t, "combined_type_changed") }
func TestBreakingProductTypeExtended(t *testing.T)  { testBreaking(t, "product_type_extended") }
func TestBreakingProductTypeNarrowed(t *testing.T)  { testBreaking(t, "product_type_narrowed") }
func TestBreakingSumTypeExtended(t *testing.T)      { testBreaking(t, "sum_type_extended") }
func TestBreakingSumTypeNarrowed(t *testing.T)      { testBreaking(t, "sum_type_narrowed") }
func TestBreakingCombinedTypeSubschemasChanged(t *testing.T) {
	testBreaking(t, "combined_type_subschemas_changed")
}
func TestBreakingNotTypeExtended(t *testing.T)    { testBreaking(t, "not_type_extended") }
func TestBreakingNotTypeNarrowed(t *testing.T)    { testBreaking(t, "not_type_narrowed") }
func TestBreakingConditionalAdded(t *testing.T)   { testBreaking(t, "conditional_added") }
func TestBreakingConditionalRemoved(t *testing.T) { testBreaking(t, "conditional_removed") }
func TestBreakingConditionChanged(t *testing.T)   { testBreaking(t, "condition_changed") }
func TestBreakingReferenceChanged(t *testing.T)   { testBreaking(t, "reference_changed") }

// Arrow.

func TestBreakingArrowAdded(t *testing.T)              { testBreaking(t, "arrow_added") }
func TestBreakingArrowRemoved(t *testing.T)            { testBreaking(t, "arrow_removed") }
func TestBreakingArrowNullableFieldAdded(t *testing.T) { testBreaking(t, "arrow_nullable_field_added") }
func TestBreakingArrowFieldAdded(t *testing.T)         { testBreaking(t, "arrow_field_added") }
func TestBreakingArrowNullableFieldRemoved(t *testing.T) {
	testBreaking(t, "arrow_nullable_field_removed")
}
func TestBreakingArrowFieldRemoved(t *testing.T)       { testBreaking(t, "arrow_field_removed") }
func TestBreakingArrowTypeWidened(t *testing.T)        { testBreaking(t, "arrow_type_widened") }
func TestBreakingArrowTypeNarrowed(t *testing.T)       { testBreaking(t, "arrow_type_narrowed") }
func TestBreakingArrowTypeChanged(t *testing.T)        { testBreaking(t, "arrow_type_changed") }
func TestBreakingArrowNullabilityRelaxed(t *testing.T) { testBreaking(t, "arrow_nullability_relaxed") }
func TestBreakingArrowNullabilityTightened(t *testing.T) {
	testBreaking(t, "arrow_nullability_tightened")
}

// Walk limits.

func TestBreakingDiffLimitExceeded(t *testing.T) { testBreaking(t, "diff_limit_exceeded") }
