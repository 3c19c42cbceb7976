package compat_test

import "testing"

// One golden case per change kind, in testdata/breaking/<kind>/: the
// previous and current schema and the findings wanted.

// Objects.

func TestBreakingRequiredAttributeAdded(t *testing.T) { testBreaking(t, "required_attribute_added") }
func TestBreakingRequiredAttributeWithDefaultAdded(t *testing.T) {
	testBreaking(t, "required_attribute_with_default_added")
}
func TestBreakingRequiredAttributeRemoved(t *testing.T) {
	testBreaking(t, "required_attribute_removed")
}
func TestBreakingMaxPropertiesAdded(t *testing.T)     { testBreaking(t, "max_properties_added") }
func TestBreakingMaxPropertiesRemoved(t *testing.T)   { testBreaking(t, "max_properties_removed") }
func TestBreakingMaxPropertiesIncreased(t *testing.T) { testBreaking(t, "max_properties_increased") }
func TestBreakingMaxPropertiesDecreased(t *testing.T) { testBreaking(t, "max_properties_decreased") }
func TestBreakingMinPropertiesAdded(t *testing.T)     { testBreaking(t, "min_properties_added") }
func TestBreakingMinPropertiesRemoved(t *testing.T)   { testBreaking(t, "min_properties_removed") }
func TestBreakingMinPropertiesIncreased(t *testing.T) { testBreaking(t, "min_properties_increased") }
func TestBreakingMinPropertiesDecreased(t *testing.T) { testBreaking(t, "min_properties_decreased") }
func TestBreakingAdditionalPropertiesAdded(t *testing.T) {
	testBreaking(t, "additional_properties_added")
}
func TestBreakingAdditionalPropertiesRemoved(t *testing.T) {
	testBreaking(t, "additional_properties_removed")
}
func TestBreakingAdditionalPropertiesExtended(t *testing.T) {
	testBreaking(t, "additional_properties_extended")
}
func TestBreakingAdditionalPropertiesNarrowed(t *testing.T) {
	testBreaking(t, "additional_properties_narrowed")
}
func TestBreakingUnevaluatedPropertiesAdded(t *testing.T) {
	testBreaking(t, "unevaluated_properties_added")
}
func TestBreakingUnevaluatedPropertiesRemoved(t *testing.T) {
	testBreaking(t, "unevaluated_properties_removed")
}
func TestBreakingUnevaluatedPropertiesExtended(t *testing.T) {
	testBreaking(t, "unevaluated_properties_extended")
}
func TestBreakingUnevaluatedPropertiesNarrowed(t *testing.T) {
	testBreaking(t, "unevaluated_properties_narrowed")
}
func TestBreakingDependencyArrayAdded(t *testing.T)    { testBreaking(t, "dependency_array_added") }
func TestBreakingDependencyArrayRemoved(t *testing.T)  { testBreaking(t, "dependency_array_removed") }
func TestBreakingDependencyArrayExtended(t *testing.T) { testBreaking(t, "dependency_array_extended") }
func TestBreakingDependencyArrayNarrowed(t *testing.T) { testBreaking(t, "dependency_array_narrowed") }
func TestBreakingDependencyArrayChanged(t *testing.T)  { testBreaking(t, "dependency_array_changed") }
func TestBreakingDependencySchemaAdded(t *testing.T)   { testBreaking(t, "dependency_schema_added") }
func TestBreakingDependencySchemaRemoved(t *testing.T) { testBreaking(t, "dependency_schema_removed") }
func TestBreakingRequiredPropertyAddedToOpenContentModel(t *testing.T) {
	testBreaking(t, "required_property_added_to_open_content_model")
}
func TestBreakingRequiredPropertyWithDefaultAddedToOpenContentModel(t *testing.T) {
	testBreaking(t, "required_property_with_default_added_to_open_content_model")
}
func TestBreakingOptionalPropertyAddedToOpenContentModel(t *testing.T) {
	testBreaking(t, "optional_property_added_to_open_content_model")
}
func TestBreakingPropertyWithEmptySchemaAddedToOpenContentModel(t *testing.T) {
	testBreaking(t, "property_with_empty_schema_added_to_open_content_model")
}
func TestBreakingRequiredPropertyAddedToUnopenContentModel(t *testing.T) {
	testBreaking(t, "required_property_added_to_unopen_content_model")
}
func TestBreakingRequiredPropertyWithDefaultAddedToUnopenContentModel(t *testing.T) {
	testBreaking(t, "required_property_with_default_added_to_unopen_content_model")
}
func TestBreakingOptionalPropertyAddedToUnopenContentModel(t *testing.T) {
	testBreaking(t, "optional_property_added_to_unopen_content_model")
}
func TestBreakingPropertyRemovedFromOpenContentModel(t *testing.T) {
	testBreaking(t, "property_removed_from_open_content_model")
}
func TestBreakingPropertyWithFalseRemovedFromClosedContentModel(t *testing.T) {
	testBreaking(t, "property_with_false_removed_from_closed_content_model")
}
func TestBreakingPropertyRemovedFromClosedContentModel(t *testing.T) {
	testBreaking(t, "property_removed_from_closed_content_model")
}
func TestBreakingPropertyRemovedIsCoveredByPartiallyOpenContentModel(t *testing.T) {
	testBreaking(t, "property_removed_is_covered_by_partially_open_content_model")
}
func TestBreakingPropertyRemovedNotCoveredByPartiallyOpenContentModel(t *testing.T) {
	testBreaking(t, "property_removed_not_covered_by_partially_open_content_model")
}
func TestBreakingPropertyAddedIsCoveredByPartiallyOpenContentModel(t *testing.T) {
	testBreaking(t, "property_added_is_covered_by_partially_open_content_model")
}
func TestBreakingPropertyAddedNotCoveredByPartiallyOpenContentModel(t *testing.T) {
	testBreaking(t, "property_added_not_covered_by_partially_open_content_model")
}
func TestBreakingPatternPropertyAddedToOpenContentModel(t *testing.T) {
	testBreaking(t, "pattern_property_added_to_open_content_model")
}
func TestBreakingPatternPropertyAddedToUnopenContentModel(t *testing.T) {
	testBreaking(t, "pattern_property_added_to_unopen_content_model")
}
func TestBreakingPatternPropertyRemovedFromOpenContentModel(t *testing.T) {
	testBreaking(t, "pattern_property_removed_from_open_content_model")
}
func TestBreakingPatternPropertyRemovedFromClosedContentModel(t *testing.T) {
	testBreaking(t, "pattern_property_removed_from_closed_content_model")
}
func TestBreakingPatternPropertyRemovedFromPartiallyOpenContentModel(t *testing.T) {
	testBreaking(t, "pattern_property_removed_from_partially_open_content_model")
}

// Arrays.

func TestBreakingMaxItemsAdded(t *testing.T)           { testBreaking(t, "max_items_added") }
func TestBreakingMaxItemsRemoved(t *testing.T)         { testBreaking(t, "max_items_removed") }
func TestBreakingMaxItemsIncreased(t *testing.T)       { testBreaking(t, "max_items_increased") }
func TestBreakingMaxItemsDecreased(t *testing.T)       { testBreaking(t, "max_items_decreased") }
func TestBreakingMinItemsAdded(t *testing.T)           { testBreaking(t, "min_items_added") }
func TestBreakingMinItemsRemoved(t *testing.T)         { testBreaking(t, "min_items_removed") }
func TestBreakingMinItemsIncreased(t *testing.T)       { testBreaking(t, "min_items_increased") }
func TestBreakingMinItemsDecreased(t *testing.T)       { testBreaking(t, "min_items_decreased") }
func TestBreakingMaxContainsAdded(t *testing.T)        { testBreaking(t, "max_contains_added") }
func TestBreakingMaxContainsRemoved(t *testing.T)      { testBreaking(t, "max_contains_removed") }
func TestBreakingMaxContainsIncreased(t *testing.T)    { testBreaking(t, "max_contains_increased") }
func TestBreakingMaxContainsDecreased(t *testing.T)    { testBreaking(t, "max_contains_decreased") }
func TestBreakingMinContainsIncreased(t *testing.T)    { testBreaking(t, "min_contains_increased") }
func TestBreakingMinContainsDecreased(t *testing.T)    { testBreaking(t, "min_contains_decreased") }
func TestBreakingUniqueItemsAdded(t *testing.T)        { testBreaking(t, "unique_items_added") }
func TestBreakingUniqueItemsRemoved(t *testing.T)      { testBreaking(t, "unique_items_removed") }
func TestBreakingAdditionalItemsAdded(t *testing.T)    { testBreaking(t, "additional_items_added") }
func TestBreakingAdditionalItemsRemoved(t *testing.T)  { testBreaking(t, "additional_items_removed") }
func TestBreakingAdditionalItemsExtended(t *testing.T) { testBreaking(t, "additional_items_extended") }
func TestBreakingAdditionalItemsNarrowed(t *testing.T) { testBreaking(t, "additional_items_narrowed") }
func TestBreakingUnevaluatedItemsAdded(t *testing.T)   { testBreaking(t, "unevaluated_items_added") }
func TestBreakingUnevaluatedItemsRemoved(t *testing.T) { testBreaking(t, "unevaluated_items_removed") }
func TestBreakingUnevaluatedItemsExtended(t *testing.T) {
	testBreaking(t, "unevaluated_items_extended")
}
func TestBreakingUnevaluatedItemsNarrowed(t *testing.T) {
	testBreaking(t, "unevaluated_items_narrowed")
}
func TestBreakingItemAddedToOpenContentModel(t *testing.T) {
	testBreaking(t, "item_added_to_open_content_model")
}
func TestBreakingItemWithEmptySchemaAddedToOpenContentModel(t *testing.T) {
	testBreaking(t, "item_with_empty_schema_added_to_open_content_model")
}
func TestBreakingItemAddedToClosedContentModel(t *testing.T) {
	testBreaking(t, "item_added_to_closed_content_model")
}
func TestBreakingItemRemovedFromOpenContentModel(t *testing.T) {
	testBreaking(t, "item_removed_from_open_content_model")
}
func TestBreakingItemWithFalseRemovedFromClosedContentModel(t *testing.T) {
	testBreaking(t, "item_with_false_removed_from_closed_content_model")
}
func TestBreakingItemRemovedFromClosedContentModel(t *testing.T) {
	testBreaking(t, "item_removed_from_closed_content_model")
}
func TestBreakingItemRemovedIsCoveredByPartiallyOpenContentModel(t *testing.T) {
	testBreaking(t, "item_removed_is_covered_by_partially_open_content_model")
}
func TestBreakingItemRemovedNotCoveredByPartiallyOpenContentModel(t *testing.T) {
	testBreaking(t, "item_removed_not_covered_by_partially_open_content_model")
}
func TestBreakingItemAddedIsCoveredByPartiallyOpenContentModel(t *testing.T) {
	testBreaking(t, "item_added_is_covered_by_partially_open_content_model")
}
func TestBreakingItemAddedNotCoveredByPartiallyOpenContentModel(t *testing.T) {
	testBreaking(t, "item_added_not_covered_by_partially_open_content_model")
}
