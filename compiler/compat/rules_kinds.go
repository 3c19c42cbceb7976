package compat

// kind is a change kind. The names are Confluent Schema Registry's
// Difference types wherever one fits, so users moving from it read the same
// words; the others (formats, pattern properties, conditionals, Arrow,
// annotations) are schemareg's own.
type kind uint8

// The change kinds.
const (
	kIDChanged kind = iota
	kDescriptionChanged
	kTitleChanged
	kDefaultChanged
	kExamplesChanged
	kCommentChanged
	kDeprecatedChanged
	kReadOnlyChanged
	kWriteOnlyChanged
	kKeywordChanged
	kSchemaAdded
	kSchemaRemoved
	kTypeExtended
	kTypeNarrowed
	kTypeChanged
	kMaxLengthAdded
	kMaxLengthRemoved
	kMaxLengthIncreased
	kMaxLengthDecreased
	kMinLengthAdded
	kMinLengthRemoved
	kMinLengthIncreased
	kMinLengthDecreased
	kPatternAdded
	kPatternRemoved
	kPatternChanged
	kFormatAdded
	kFormatRemoved
	kFormatChanged
	kContentEncodingAdded
	kContentEncodingRemoved
	kContentEncodingChanged
	kContentMediaTypeAdded
	kContentMediaTypeRemoved
	kContentMediaTypeChanged
	kMaximumAdded
	kMaximumRemoved
	kMaximumIncreased
	kMaximumDecreased
	kMinimumAdded
	kMinimumRemoved
	kMinimumIncreased
	kMinimumDecreased
	kExclusiveMaximumAdded
	kExclusiveMaximumRemoved
	kExclusiveMaximumIncreased
	kExclusiveMaximumDecreased
	kExclusiveMinimumAdded
	kExclusiveMinimumRemoved
	kExclusiveMinimumIncreased
	kExclusiveMinimumDecreased
	kMultipleOfAdded
	kMultipleOfRemoved
	kMultipleOfExpanded
	kMultipleOfReduced
	kMultipleOfChanged
	kRequiredAttributeAdded
	kRequiredAttributeWithDefaultAdded
	kRequiredAttributeRemoved
	kMaxPropertiesAdded
	kMaxPropertiesRemoved
	kMaxPropertiesIncreased
	kMaxPropertiesDecreased
	kMinPropertiesAdded
	kMinPropertiesRemoved
	kMinPropertiesIncreased
	kMinPropertiesDecreased
	kAdditionalPropertiesAdded
	kAdditionalPropertiesRemoved
	kAdditionalPropertiesExtended
	kAdditionalPropertiesNarrowed
	kUnevaluatedPropertiesAdded
	kUnevaluatedPropertiesRemoved
	kUnevaluatedPropertiesExtended
	kUnevaluatedPropertiesNarrowed
	kDependencyArrayAdded
	kDependencyArrayRemoved
	kDependencyArrayExtended
	kDependencyArrayNarrowed
	kDependencyArrayChanged
	kDependencySchemaAdded
	kDependencySchemaRemoved
	kRequiredPropertyAddedToOpenContentModel
	kRequiredPropertyWithDefaultAddedToOpenContentModel
	kOptionalPropertyAddedToOpenContentModel
	kPropertyWithEmptySchemaAddedToOpenContentModel
	kRequiredPropertyAddedToUnopenContentModel
	kRequiredPropertyWithDefaultAddedToUnopenContentModel
	kOptionalPropertyAddedToUnopenContentModel
	kPropertyRemovedFromOpenContentModel
	kPropertyWithFalseRemovedFromClosedContentModel
	kPropertyRemovedFromClosedContentModel
	kPropertyRemovedIsCoveredByPartiallyOpenContentModel
	kPropertyRemovedNotCoveredByPartiallyOpenContentModel
	kPropertyAddedIsCoveredByPartiallyOpenContentModel
	kPropertyAddedNotCoveredByPartiallyOpenContentModel
	kPatternPropertyAddedToOpenContentModel
	kPatternPropertyAddedToUnopenContentModel
	kPatternPropertyRemovedFromOpenContentModel
	kPatternPropertyRemovedFromClosedContentModel
	kPatternPropertyRemovedFromPartiallyOpenContentModel
	kMaxItemsAdded
	kMaxItemsRemoved
	kMaxItemsIncreased
	kMaxItemsDecreased
	kMinItemsAdded
	kMinItemsRemoved
	kMinItemsIncreased
	kMinItemsDecreased
	kMaxContainsAdded
	kMaxContainsRemoved
	kMaxContainsIncreased
	kMaxContainsDecreased
	kMinContainsIncreased
	kMinContainsDecreased
	kUniqueItemsAdded
	kUniqueItemsRemoved
	kAdditionalItemsAdded
	kAdditionalItemsRemoved
	kAdditionalItemsExtended
	kAdditionalItemsNarrowed
	kUnevaluatedItemsAdded
	kUnevaluatedItemsRemoved
	kUnevaluatedItemsExtended
	kUnevaluatedItemsNarrowed
	kItemAddedToOpenContentModel
	kItemWithEmptySchemaAddedToOpenContentModel
	kItemAddedToClosedContentModel
	kItemRemovedFromOpenContentModel
	kItemWithFalseRemovedFromClosedContentModel
	kItemRemovedFromClosedContentModel
	kItemRemovedIsCoveredByPartiallyOpenContentModel
	kItemRemovedNotCoveredByPartiallyOpenContentModel
	kItemAddedIsCoveredByPartiallyOpenContentModel
	kItemAddedNotCoveredByPartiallyOpenContentModel
	kEnumArrayExtended
	kEnumArrayNarrowed
	kEnumArrayChanged
	kCombinedTypeExtended
	kCombinedTypeChanged
	kProductTypeExtended
	kProductTypeNarrowed
	kSumTypeExtended
	kSumTypeNarrowed
	kCombinedTypeSubschemasChanged
	kNotTypeExtended
	kNotTypeNarrowed
	kConditionalAdded
	kConditionalRemoved
	kConditionChanged
	kReferenceChanged
	kArrowAdded
	kArrowRemoved
	kArrowNullableFieldAdded
	kArrowFieldAdded
	kArrowNullableFieldRemoved
	kArrowFieldRemoved
	kArrowTypeWidened
	kArrowTypeNarrowed
	kArrowTypeChanged
	kArrowNullabilityRelaxed
	kArrowNullabilityTightened
	kDiffLimitExceeded
	numKinds
)

// kindInfo is what the engine knows of a kind.
type kindInfo struct {
	name string
	// strict and lenient: the change keeps data written with the old
	// schema valid against the new one, under each policy.
	strict, lenient bool
	annotation      bool // only annotations changed
	confluent       bool // the name is one of Confluent's Difference types
	summary         string
}

// kindInfos describes every kind. It is never written.
var kindInfos = [numKinds]kindInfo{
	kIDChanged:                               {"ID_CHANGED", true, true, true, true, "the schema's $id changed"},
	kDescriptionChanged:                      {"DESCRIPTION_CHANGED", true, true, true, true, "a description changed"},
	kTitleChanged:                            {"TITLE_CHANGED", true, true, true, true, "a title changed"},
	kDefaultChanged:                          {"DEFAULT_CHANGED", true, true, true, true, "a default value changed"},
	kExamplesChanged:                         {"EXAMPLES_CHANGED", true, true, true, false, "the examples changed"},
	kCommentChanged:                          {"COMMENT_CHANGED", true, true, true, false, "a $comment changed"},
	kDeprecatedChanged:                       {"DEPRECATED_CHANGED", true, true, true, false, "the deprecated flag changed"},
	kReadOnlyChanged:                         {"READ_ONLY_CHANGED", true, true, true, false, "the readOnly flag changed"},
	kWriteOnlyChanged:                        {"WRITE_ONLY_CHANGED", true, true, true, false, "the writeOnly flag changed"},
	kKeywordChanged:                          {"KEYWORD_CHANGED", true, true, true, false, "a keyword that validators ignore changed"},
	kSchemaAdded:                             {"SCHEMA_ADDED", false, false, false, true, "a subschema was added where there was none"},
	kSchemaRemoved:                           {"SCHEMA_REMOVED", true, true, false, true, "a subschema was removed"},
	kTypeExtended:                            {"TYPE_EXTENDED", true, true, false, true, "the type accepts more values"},
	kTypeNarrowed:                            {"TYPE_NARROWED", false, false, false, true, "the type accepts fewer values"},
	kTypeChanged:                             {"TYPE_CHANGED", false, false, false, true, "the type changed"},
	kMaxLengthAdded:                          {"MAX_LENGTH_ADDED", false, false, false, true, "maxLength was added"},
	kMaxLengthRemoved:                        {"MAX_LENGTH_REMOVED", true, true, false, true, "maxLength was removed"},
	kMaxLengthIncreased:                      {"MAX_LENGTH_INCREASED", true, true, false, true, "maxLength was raised"},
	kMaxLengthDecreased:                      {"MAX_LENGTH_DECREASED", false, false, false, true, "maxLength was lowered"},
	kMinLengthAdded:                          {"MIN_LENGTH_ADDED", false, false, false, true, "minLength was added"},
	kMinLengthRemoved:                        {"MIN_LENGTH_REMOVED", true, true, false, true, "minLength was removed"},
	kMinLengthIncreased:                      {"MIN_LENGTH_INCREASED", false, false, false, true, "minLength was raised"},
	kMinLengthDecreased:                      {"MIN_LENGTH_DECREASED", true, true, false, true, "minLength was lowered"},
	kPatternAdded:                            {"PATTERN_ADDED", false, false, false, true, "a pattern was added"},
	kPatternRemoved:                          {"PATTERN_REMOVED", true, true, false, true, "the pattern was removed"},
	kPatternChanged:                          {"PATTERN_CHANGED", false, false, false, true, "the pattern changed"},
	kFormatAdded:                             {"FORMAT_ADDED", false, false, false, false, "a format was added"},
	kFormatRemoved:                           {"FORMAT_REMOVED", true, true, false, false, "the format was removed"},
	kFormatChanged:                           {"FORMAT_CHANGED", false, false, false, false, "the format changed"},
	kContentEncodingAdded:                    {"CONTENT_ENCODING_ADDED", false, false, false, false, "a contentEncoding was added"},
	kContentEncodingRemoved:                  {"CONTENT_ENCODING_REMOVED", true, true, false, false, "the contentEncoding was removed"},
	kContentEncodingChanged:                  {"CONTENT_ENCODING_CHANGED", false, false, false, false, "the contentEncoding changed"},
	kContentMediaTypeAdded:                   {"CONTENT_MEDIA_TYPE_ADDED", false, false, false, false, "a contentMediaType was added"},
	kContentMediaTypeRemoved:                 {"CONTENT_MEDIA_TYPE_REMOVED", true, true, false, false, "the contentMediaType was removed"},
	kContentMediaTypeChanged:                 {"CONTENT_MEDIA_TYPE_CHANGED", false, false, false, false, "the contentMediaType changed"},
	kMaximumAdded:                            {"MAXIMUM_ADDED", false, false, false, true, "a maximum was added"},
	kMaximumRemoved:                          {"MAXIMUM_REMOVED", true, true, false, true, "the maximum was removed"},
	kMaximumIncreased:                        {"MAXIMUM_INCREASED", true, true, false, true, "the maximum was raised"},
	kMaximumDecreased:                        {"MAXIMUM_DECREASED", false, false, false, true, "the maximum was lowered"},
	kMinimumAdded:                            {"MINIMUM_ADDED", false, false, false, true, "a minimum was added"},
	kMinimumRemoved:                          {"MINIMUM_REMOVED", true, true, false, true, "the minimum was removed"},
	kMinimumIncreased:                        {"MINIMUM_INCREASED", false, false, false, true, "the minimum was raised"},
	kMinimumDecreased:                        {"MINIMUM_DECREASED", true, true, false, true, "the minimum was lowered"},
	kExclusiveMaximumAdded:                   {"EXCLUSIVE_MAXIMUM_ADDED", false, false, false, true, "an exclusive maximum was added"},
	kExclusiveMaximumRemoved:                 {"EXCLUSIVE_MAXIMUM_REMOVED", true, true, false, true, "the exclusive maximum was removed"},
	kExclusiveMaximumIncreased:               {"EXCLUSIVE_MAXIMUM_INCREASED", true, true, false, true, "the exclusive maximum was raised"},
	kExclusiveMaximumDecreased:               {"EXCLUSIVE_MAXIMUM_DECREASED", false, false, false, true, "the exclusive maximum was lowered"},
	kExclusiveMinimumAdded:                   {"EXCLUSIVE_MINIMUM_ADDED", false, false, false, true, "an exclusive minimum was added"},
	kExclusiveMinimumRemoved:                 {"EXCLUSIVE_MINIMUM_REMOVED", true, true, false, true, "the exclusive minimum was removed"},
	kExclusiveMinimumIncreased:               {"EXCLUSIVE_MINIMUM_INCREASED", false, false, false, true, "the exclusive minimum was raised"},
	kExclusiveMinimumDecreased:               {"EXCLUSIVE_MINIMUM_DECREASED", true, true, false, true, "the exclusive minimum was lowered"},
	kMultipleOfAdded:                         {"MULTIPLE_OF_ADDED", false, false, false, true, "a multipleOf was added"},
	kMultipleOfRemoved:                       {"MULTIPLE_OF_REMOVED", true, true, false, true, "the multipleOf was removed"},
	kMultipleOfExpanded:                      {"MULTIPLE_OF_EXPANDED", false, false, false, true, "multipleOf grew to a multiple of itself"},
	kMultipleOfReduced:                       {"MULTIPLE_OF_REDUCED", true, true, false, true, "multipleOf shrank to a divisor of itself"},
	kMultipleOfChanged:                       {"MULTIPLE_OF_CHANGED", false, false, false, true, "multipleOf changed"},
	kRequiredAttributeAdded:                  {"REQUIRED_ATTRIBUTE_ADDED", false, false, false, true, "a property became required"},
	kRequiredAttributeWithDefaultAdded:       {"REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED", true, true, false, true, "a property with a default became required"},
	kRequiredAttributeRemoved:                {"REQUIRED_ATTRIBUTE_REMOVED", true, true, false, true, "a property is no longer required"},
	kMaxPropertiesAdded:                      {"MAX_PROPERTIES_ADDED", false, false, false, true, "maxProperties was added"},
	kMaxPropertiesRemoved:                    {"MAX_PROPERTIES_REMOVED", true, true, false, true, "maxProperties was removed"},
	kMaxPropertiesIncreased:                  {"MAX_PROPERTIES_INCREASED", true, true, false, true, "maxProperties was raised"},
	kMaxPropertiesDecreased:                  {"MAX_PROPERTIES_DECREASED", false, false, false, true, "maxProperties was lowered"},
	kMinPropertiesAdded:                      {"MIN_PROPERTIES_ADDED", false, false, false, true, "minProperties was added"},
	kMinPropertiesRemoved:                    {"MIN_PROPERTIES_REMOVED", true, true, false, true, "minProperties was removed"},
	kMinPropertiesIncreased:                  {"MIN_PROPERTIES_INCREASED", false, false, false, true, "minProperties was raised"},
	kMinPropertiesDecreased:                  {"MIN_PROPERTIES_DECREASED", true, true, false, true, "minProperties was lowered"},
	kAdditionalPropertiesAdded:               {"ADDITIONAL_PROPERTIES_ADDED", true, true, false, true, "undeclared properties are now allowed"},
	kAdditionalPropertiesRemoved:             {"ADDITIONAL_PROPERTIES_REMOVED", false, true, false, true, "undeclared properties are no longer allowed"},
	kAdditionalPropertiesExtended:            {"ADDITIONAL_PROPERTIES_EXTENDED", true, true, false, true, "undeclared properties may now hold any value"},
	kAdditionalPropertiesNarrowed:            {"ADDITIONAL_PROPERTIES_NARROWED", false, true, false, true, "undeclared properties must now match a schema"},
	kUnevaluatedPropertiesAdded:              {"UNEVALUATED_PROPERTIES_ADDED", true, true, false, true, "unevaluated properties are now allowed"},
	kUnevaluatedPropertiesRemoved:            {"UNEVALUATED_PROPERTIES_REMOVED", false, true, false, true, "unevaluated properties are no longer allowed"},
	kUnevaluatedPropertiesExtended:           {"UNEVALUATED_PROPERTIES_EXTENDED", true, true, false, true, "unevaluated properties may now hold any value"},
	kUnevaluatedPropertiesNarrowed:           {"UNEVALUATED_PROPERTIES_NARROWED", false, true, false, true, "unevaluated properties must now match a schema"},
	kDependencyArrayAdded:                    {"DEPENDENCY_ARRAY_ADDED", false, false, false, true, "a property now requires others"},
	kDependencyArrayRemoved:                  {"DEPENDENCY_ARRAY_REMOVED", true, true, false, true, "a property no longer requires others"},
	kDependencyArrayExtended:                 {"DEPENDENCY_ARRAY_EXTENDED", false, false, false, true, "a property requires more others"},
	kDependencyArrayNarrowed:                 {"DEPENDENCY_ARRAY_NARROWED", true, true, false, true, "a property requires fewer others"},
	kDependencyArrayChanged:                  {"DEPENDENCY_ARRAY_CHANGED", false, false, false, true, "the properties a property requires changed"},
	kDependencySchemaAdded:                   {"DEPENDENCY_SCHEMA_ADDED", false, false, false, true, "a property now brings a schema with it"},
	kDependencySchemaRemoved:                 {"DEPENDENCY_SCHEMA_REMOVED", true, true, false, true, "a property no longer brings a schema with it"},
	kRequiredPropertyAddedToOpenContentModel: {"REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", false, false, false, true, "a required property was added to an open object"},
	kRequiredPropertyWithDefaultAddedToOpenContentModel:   {"REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL", false, true, false, true, "a required property with a default was added to an open object"},
	kOptionalPropertyAddedToOpenContentModel:              {"OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", false, true, false, true, "an optional property was added to an open object"},
	kPropertyWithEmptySchemaAddedToOpenContentModel:       {"PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL", true, true, false, true, "a property that accepts any value was added to an open object"},
	kRequiredPropertyAddedToUnopenContentModel:            {"REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL", false, false, false, true, "a required property was added to a closed object"},
	kRequiredPropertyWithDefaultAddedToUnopenContentModel: {"REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL", true, true, false, true, "a required property with a default was added to a closed object"},
	kOptionalPropertyAddedToUnopenContentModel:            {"OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL", true, true, false, true, "an optional property was added to a closed object"},
	kPropertyRemovedFromOpenContentModel:                  {"PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL", true, true, false, true, "a property was removed from an open object"},
	kPropertyWithFalseRemovedFromClosedContentModel:       {"PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL", true, true, false, true, "a forbidden property was dropped from a closed object"},
	kPropertyRemovedFromClosedContentModel:                {"PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL", false, false, false, true, "a property was removed from a closed object"},
	kPropertyRemovedIsCoveredByPartiallyOpenContentModel:  {"PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", true, true, false, true, "a removed property's values still match the schema of undeclared properties"},
	kPropertyRemovedNotCoveredByPartiallyOpenContentModel: {"PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", false, false, false, true, "a removed property's values no longer match the schema of undeclared properties"},
	kPropertyAddedIsCoveredByPartiallyOpenContentModel:    {"PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", true, true, false, true, "an added property accepts every value the schema of undeclared properties did"},
	kPropertyAddedNotCoveredByPartiallyOpenContentModel:   {"PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", false, true, false, true, "an added property rejects values the schema of undeclared properties accepted"},
	kPatternPropertyAddedToOpenContentModel:               {"PATTERN_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", false, true, false, false, "a pattern property was added to an open object"},
	kPatternPropertyAddedToUnopenContentModel:             {"PATTERN_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL", true, true, false, false, "a pattern property was added to a closed object"},
	kPatternPropertyRemovedFromOpenContentModel:           {"PATTERN_PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL", true, true, false, false, "a pattern property was removed from an open object"},
	kPatternPropertyRemovedFromClosedContentModel:         {"PATTERN_PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL", false, false, false, false, "a pattern property was removed from a closed object"},
	kPatternPropertyRemovedFromPartiallyOpenContentModel:  {"PATTERN_PROPERTY_REMOVED_FROM_PARTIALLY_OPEN_CONTENT_MODEL", true, true, false, false, "a pattern property was removed; its names fall to the schema of undeclared properties"},
	kMaxItemsAdded:                                    {"MAX_ITEMS_ADDED", false, false, false, true, "maxItems was added"},
	kMaxItemsRemoved:                                  {"MAX_ITEMS_REMOVED", true, true, false, true, "maxItems was removed"},
	kMaxItemsIncreased:                                {"MAX_ITEMS_INCREASED", true, true, false, true, "maxItems was raised"},
	kMaxItemsDecreased:                                {"MAX_ITEMS_DECREASED", false, false, false, true, "maxItems was lowered"},
	kMinItemsAdded:                                    {"MIN_ITEMS_ADDED", false, false, false, true, "minItems was added"},
	kMinItemsRemoved:                                  {"MIN_ITEMS_REMOVED", true, true, false, true, "minItems was removed"},
	kMinItemsIncreased:                                {"MIN_ITEMS_INCREASED", false, false, false, true, "minItems was raised"},
	kMinItemsDecreased:                                {"MIN_ITEMS_DECREASED", true, true, false, true, "minItems was lowered"},
	kMaxContainsAdded:                                 {"MAX_CONTAINS_ADDED", false, false, false, true, "maxContains was added"},
	kMaxContainsRemoved:                               {"MAX_CONTAINS_REMOVED", true, true, false, true, "maxContains was removed"},
	kMaxContainsIncreased:                             {"MAX_CONTAINS_INCREASED", true, true, false, true, "maxContains was raised"},
	kMaxContainsDecreased:                             {"MAX_CONTAINS_DECREASED", false, false, false, true, "maxContains was lowered"},
	kMinContainsIncreased:                             {"MIN_CONTAINS_INCREASED", false, false, false, true, "minContains was raised"},
	kMinContainsDecreased:                             {"MIN_CONTAINS_DECREASED", true, true, false, true, "minContains was lowered"},
	kUniqueItemsAdded:                                 {"UNIQUE_ITEMS_ADDED", false, false, false, true, "items must now be unique"},
	kUniqueItemsRemoved:                               {"UNIQUE_ITEMS_REMOVED", true, true, false, true, "items no longer need to be unique"},
	kAdditionalItemsAdded:                             {"ADDITIONAL_ITEMS_ADDED", true, true, false, true, "items past the tuple are now allowed"},
	kAdditionalItemsRemoved:                           {"ADDITIONAL_ITEMS_REMOVED", false, false, false, true, "items past the tuple are no longer allowed"},
	kAdditionalItemsExtended:                          {"ADDITIONAL_ITEMS_EXTENDED", true, true, false, true, "items past the tuple may now hold any value"},
	kAdditionalItemsNarrowed:                          {"ADDITIONAL_ITEMS_NARROWED", false, false, false, true, "items past the tuple must now match a schema"},
	kUnevaluatedItemsAdded:                            {"UNEVALUATED_ITEMS_ADDED", true, true, false, true, "unevaluated items are now allowed"},
	kUnevaluatedItemsRemoved:                          {"UNEVALUATED_ITEMS_REMOVED", false, false, false, true, "unevaluated items are no longer allowed"},
	kUnevaluatedItemsExtended:                         {"UNEVALUATED_ITEMS_EXTENDED", true, true, false, true, "unevaluated items may now hold any value"},
	kUnevaluatedItemsNarrowed:                         {"UNEVALUATED_ITEMS_NARROWED", false, false, false, true, "unevaluated items must now match a schema"},
	kItemAddedToOpenContentModel:                      {"ITEM_ADDED_TO_OPEN_CONTENT_MODEL", false, false, false, true, "a tuple position was added to an open array"},
	kItemWithEmptySchemaAddedToOpenContentModel:       {"ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL", true, true, false, true, "a tuple position that accepts any value was added to an open array"},
	kItemAddedToClosedContentModel:                    {"ITEM_ADDED_TO_CLOSED_CONTENT_MODEL", true, true, false, true, "a tuple position was added to a closed array"},
	kItemRemovedFromOpenContentModel:                  {"ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL", true, true, false, true, "a tuple position was removed from an open array"},
	kItemWithFalseRemovedFromClosedContentModel:       {"ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL", true, true, false, true, "a forbidden tuple position was dropped from a closed array"},
	kItemRemovedFromClosedContentModel:                {"ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL", false, false, false, true, "a tuple position was removed from a closed array"},
	kItemRemovedIsCoveredByPartiallyOpenContentModel:  {"ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", true, true, false, true, "a removed tuple position's values still match the schema of further items"},
	kItemRemovedNotCoveredByPartiallyOpenContentModel: {"ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", false, false, false, true, "a removed tuple position's values no longer match the schema of further items"},
	kItemAddedIsCoveredByPartiallyOpenContentModel:    {"ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", true, true, false, true, "an added tuple position accepts every value the schema of further items did"},
	kItemAddedNotCoveredByPartiallyOpenContentModel:   {"ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", false, false, false, true, "an added tuple position rejects values the schema of further items accepted"},
	kEnumArrayExtended:                                {"ENUM_ARRAY_EXTENDED", true, true, false, true, "enum values were added"},
	kEnumArrayNarrowed:                                {"ENUM_ARRAY_NARROWED", false, false, false, true, "enum values were removed"},
	kEnumArrayChanged:                                 {"ENUM_ARRAY_CHANGED", false, false, false, true, "enum values were replaced"},
	kCombinedTypeExtended:                             {"COMBINED_TYPE_EXTENDED", true, true, false, true, "the combining keyword became more permissive"},
	kCombinedTypeChanged:                              {"COMBINED_TYPE_CHANGED", false, false, false, true, "the combining keyword changed"},
	kProductTypeExtended:                              {"PRODUCT_TYPE_EXTENDED", false, false, false, true, "a schema that every value must match was added"},
	kProductTypeNarrowed:                              {"PRODUCT_TYPE_NARROWED", true, true, false, true, "a schema that every value had to match was removed"},
	kSumTypeExtended:                                  {"SUM_TYPE_EXTENDED", true, true, false, true, "an alternative was added"},
	kSumTypeNarrowed:                                  {"SUM_TYPE_NARROWED", false, false, false, true, "an alternative was removed"},
	kCombinedTypeSubschemasChanged:                    {"COMBINED_TYPE_SUBSCHEMAS_CHANGED", false, false, false, true, "the alternatives changed in a way that is not a superset"},
	kNotTypeExtended:                                  {"NOT_TYPE_EXTENDED", false, false, false, true, "the schema under not accepts more, so fewer values pass"},
	kNotTypeNarrowed:                                  {"NOT_TYPE_NARROWED", true, true, false, true, "the schema under not accepts less, so more values pass"},
	kConditionalAdded:                                 {"CONDITIONAL_ADDED", false, false, false, false, "an if/then/else was added"},
	kConditionalRemoved:                               {"CONDITIONAL_REMOVED", true, true, false, false, "the if/then/else was removed"},
	kConditionChanged:                                 {"CONDITION_CHANGED", false, false, false, false, "the if condition changed"},
	kReferenceChanged:                                 {"REFERENCE_CHANGED", false, false, false, false, "a $ref that cannot be resolved changed"},
	kArrowAdded:                                       {"ARROW_ADDED", true, true, false, false, "an arrow block was added"},
	kArrowRemoved:                                     {"ARROW_REMOVED", false, false, false, false, "the arrow block was removed"},
	kArrowNullableFieldAdded:                          {"ARROW_NULLABLE_FIELD_ADDED", true, true, false, false, "a nullable Arrow field was added"},
	kArrowFieldAdded:                                  {"ARROW_FIELD_ADDED", false, false, false, false, "a non-nullable Arrow field was added"},
	kArrowNullableFieldRemoved:                        {"ARROW_NULLABLE_FIELD_REMOVED", true, true, false, false, "a nullable Arrow field was removed"},
	kArrowFieldRemoved:                                {"ARROW_FIELD_REMOVED", false, false, false, false, "a non-nullable Arrow field was removed"},
	kArrowTypeWidened:                                 {"ARROW_TYPE_WIDENED", true, true, false, false, "an Arrow type was widened"},
	kArrowTypeNarrowed:                                {"ARROW_TYPE_NARROWED", false, false, false, false, "an Arrow type was narrowed"},
	kArrowTypeChanged:                                 {"ARROW_TYPE_CHANGED", false, false, false, false, "an Arrow type changed"},
	kArrowNullabilityRelaxed:                          {"ARROW_NULLABILITY_RELAXED", true, true, false, false, "an Arrow field became nullable"},
	kArrowNullabilityTightened:                        {"ARROW_NULLABILITY_TIGHTENED", false, false, false, false, "an Arrow field became non-nullable"},
	kDiffLimitExceeded:                                {"DIFF_LIMIT_EXCEEDED", false, false, false, false, "the schemas are too deep or too large to compare further"},
}
