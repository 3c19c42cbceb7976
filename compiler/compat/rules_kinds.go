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

// kindInfo is one change kind, whole: its name, its verdict under each
// policy, whether Confluent reports it, what it is, and the sentence a
// reviewer reads. Adding a kind is adding one row to kindInfos (see doc.go).
type kindInfo struct {
	name       string
	policy     policyVerdict
	annotation bool // only annotations changed
	confluent  bool // the name is one of Confluent's Difference types
	summary    string
	// text is the message after its subject, given the finding and the
	// words for the old data ("data written with 1.x"). Nil: the summary.
	text func(f finding, data string) string
}

// policyVerdict says whether a change of a kind, found diffing old against
// new, keeps data written with old valid against new, under each policy.
// Forward compatibility is the same question asked with the sides swapped.
type policyVerdict uint8

const (
	compatible   policyVerdict = iota // old data stays valid under both policies
	breaking                          // old data may be rejected under both
	breaksStrict                      // STRICT refuses it; LENIENT assumes data holds nothing undeclared
)

// kindInfos describes every kind: the rows of each family of rules, put
// together. It is never written.
var kindInfos, kindFamily = func() (t [numKinds]kindInfo, fam [numKinds]string) {
	for _, f := range kindFamilies {
		for k, info := range f.rows {
			t[k], fam[k] = info, f.name
		}
	}
	return t, fam
}()

// kindFamilies are the tables of rows, one per family of rules, each kept
// beside the rules that find its kinds. TestEveryKindHasOneRow checks that
// every kind has exactly one row.
var kindFamilies = []struct {
	name string
	rows map[kind]kindInfo
}{
	{"annotation", annotationKinds}, {"schema", schemaKinds}, {"scalar", scalarKinds}, {"object", objectKinds},
	{"array", arrayKinds}, {"combined", combinedKinds}, {"arrow", arrowKinds},
}
