package compat

// messageText is the text after the subject for the kinds that are not a
// plain keyword limit; ok is false for those.
func messageText(f finding, data string) (string, bool) {
	switch f.kind {
	case kIDChanged, kTitleChanged, kDescriptionChanged, kDefaultChanged, kExamplesChanged,
		kCommentChanged, kDeprecatedChanged, kReadOnlyChanged, kWriteOnlyChanged:
		return annotationText(f), true
	case kKeywordChanged:
		return "keyword changed from " + show(f.old) + " to " + show(f.new) + "; validators ignore it", true
	case kSchemaAdded:
		return "subschema added; " + data + " may not match it", true
	case kSchemaRemoved:
		return "subschema removed; any value is now allowed there", true
	case kTypeExtended:
		return "type widened from " + show2(f.old) + " to " + show2(f.new) + "; " + data + " stays valid", true
	case kTypeNarrowed:
		return "type narrowed from " + show2(f.old) + " to " + show2(f.new) + "; " + data + " may no longer validate", true
	case kTypeChanged:
		return "type changed from " + show2(f.old) + " to " + show2(f.new) + "; " + data + " no longer validates", true
	case kMultipleOfExpanded, kMultipleOfReduced:
		return "multipleOf changed from " + show(f.old) + " to " + show(f.new) + reducedNote(f.kind, data), true
	case kRequiredAttributeAdded:
		return "now required; " + data + " may lack it", true
	case kRequiredAttributeWithDefaultAdded:
		return "now required, with a default for data that lacks it", true
	case kRequiredAttributeRemoved:
		return "no longer required", true
	case kEnumArrayExtended:
		return pluralWord(count(f.new), "enum value ", "enum values ") + show(f.new) + " added", true
	case kEnumArrayNarrowed:
		return pluralWord(count(f.old), "enum value ", "enum values ") + show(f.old) + " removed; " + data +
			" may hold " + pluralWord(count(f.old), "it", "them"), true
	case kEnumArrayChanged:
		return "enum values " + show(f.old) + " replaced by " + show(f.new) + "; " + data + " may hold the old ones", true
	case kDependencyArrayAdded:
		return "now requires " + show(f.new) + " when present; " + data + " may lack them", true
	case kDependencyArrayRemoved:
		return "no longer requires " + show(f.old) + " when present", true
	case kDependencyArrayExtended:
		return "now also requires " + show(f.new) + " when present; " + data + " may lack them", true
	case kDependencyArrayNarrowed:
		return "no longer requires " + show(f.old) + " when present", true
	case kDependencyArrayChanged:
		return "requires " + show(f.new) + " instead of " + show(f.old) + " when present; " + data + " may lack them", true
	case kDependencySchemaAdded:
		return "now brings a schema that objects holding it must match; " + data + " may not", true
	case kDependencySchemaRemoved:
		return "no longer brings a schema with it", true
	case kCombinedTypeExtended:
		return show2(f.old) + " became " + show2(f.new) + ", which accepts at least the same values", true
	case kCombinedTypeChanged:
		return show2(f.old) + " became " + show2(f.new) + "; " + data + " may no longer validate", true
	case kProductTypeExtended:
		return productText(f.new, "added") + "; " + data + " may not satisfy it", true
	case kProductTypeNarrowed:
		return productText(f.old, "removed") + "; fewer constraints apply", true
	case kSumTypeExtended:
		return "alternatives grew from " + show(f.old) + " to " + show(f.new) + "; " + data + " stays valid", true
	case kSumTypeNarrowed:
		return "alternatives shrank from " + show(f.old) + " to " + show(f.new) + "; " + data + " may match only a removed one", true
	case kCombinedTypeSubschemasChanged:
		return "the alternatives changed and not every old one has a compatible new one; " + data + " may no longer validate", true
	case kNotTypeExtended:
		return "the schema under not now matches more values, so fewer pass; " + data + " may be rejected", true
	case kNotTypeNarrowed:
		return "the schema under not now matches fewer values, so more pass", true
	case kConditionalAdded:
		return "if/then/else added; " + data + " may not satisfy its branches", true
	case kConditionalRemoved:
		return "if/then/else removed", true
	case kConditionChanged:
		return "the if condition changed, so values move between then and else; " + data + " may no longer validate", true
	case kReferenceChanged:
		return "$ref changed from " + show(f.old) + " to " + show(f.new) + " and cannot be resolved to compare them", true
	case kDiffLimitExceeded:
		return "the schemas are too deep or too large to compare past this point; treat the change as breaking", true
	}
	if text, ok := contentModelText(f, data); ok {
		return text, true
	}
	return arrowText(f, data)
}

// show2 shows a type name or keyword without quotes.
func show2(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return show(v)
}

func productText(v any, verb string) string {
	if s, ok := v.(string); ok {
		return s + " " + verb
	}
	return "a schema every value must match " + verb
}

func reducedNote(k kind, data string) string {
	if k == kMultipleOfReduced {
		return "; every multiple of the old one still is one"
	}
	return "; " + data + " may not be a multiple of it"
}

func annotationText(f finding) string {
	kw := map[kind]string{kIDChanged: "$id", kTitleChanged: "title", kDescriptionChanged: "description",
		kDefaultChanged: "default", kExamplesChanged: "examples", kCommentChanged: "$comment",
		kDeprecatedChanged: "deprecated", kReadOnlyChanged: "readOnly", kWriteOnlyChanged: "writeOnly"}[f.kind]
	switch {
	case f.old == nil:
		return kw + " " + show(f.new) + " added"
	case f.new == nil:
		return kw + " " + show(f.old) + " removed"
	case f.kind == kDescriptionChanged || f.kind == kCommentChanged:
		return kw + " changed"
	}
	return kw + " changed from " + show(f.old) + " to " + show(f.new)
}

// contentModelText covers properties and tuple positions added or removed.
func contentModelText(f finding, data string) (string, bool) {
	switch f.kind {
	case kOptionalPropertyAddedToOpenContentModel:
		return "optional property added to an object that allows undeclared properties; " + data +
			" may already hold it with another value (breaks under STRICT only)", true
	case kRequiredPropertyAddedToOpenContentModel, kRequiredPropertyAddedToUnopenContentModel:
		return "required property added; " + data + " lacks it", true
	case kRequiredPropertyWithDefaultAddedToOpenContentModel, kRequiredPropertyWithDefaultAddedToUnopenContentModel:
		return "required property added with a default for data that lacks it", true
	case kPropertyWithEmptySchemaAddedToOpenContentModel:
		return "property that accepts any value added", true
	case kOptionalPropertyAddedToUnopenContentModel:
		return "optional property added", true
	case kPropertyRemovedFromOpenContentModel:
		return "property removed; undeclared properties are allowed, so " + data + " that holds it stays valid", true
	case kPropertyWithFalseRemovedFromClosedContentModel:
		return "forbidden property dropped; it stays forbidden", true
	case kPropertyRemovedFromClosedContentModel:
		return "property removed while undeclared properties are not allowed; " + data + " that holds it is now rejected", true
	case kPropertyRemovedIsCoveredByPartiallyOpenContentModel:
		return "property removed; its values still match the schema for undeclared properties", true
	case kPropertyRemovedNotCoveredByPartiallyOpenContentModel:
		return "property removed; its values in " + data + " no longer match the schema for undeclared properties", true
	case kPropertyAddedIsCoveredByPartiallyOpenContentModel:
		return "property added; it accepts every value the schema for undeclared properties did", true
	case kPropertyAddedNotCoveredByPartiallyOpenContentModel:
		return "property added; it rejects values the schema for undeclared properties accepted, which " + data + " may hold", true
	case kPatternPropertyAddedToOpenContentModel:
		return "pattern property added to an object that allows undeclared properties; " + data +
			" may hold matching names with other values (breaks under STRICT only)", true
	case kPatternPropertyAddedToUnopenContentModel:
		return "pattern property added; names matching it are now allowed", true
	case kPatternPropertyRemovedFromOpenContentModel:
		return "pattern property removed; matching names are now unconstrained", true
	case kPatternPropertyRemovedFromClosedContentModel:
		return "pattern property removed while undeclared properties are not allowed; " + data + " with matching names is now rejected", true
	case kPatternPropertyRemovedFromPartiallyOpenContentModel:
		return "pattern property removed; matching names now follow the schema for undeclared properties", true
	case kAdditionalPropertiesAdded, kUnevaluatedPropertiesAdded:
		return "undeclared properties are now allowed", true
	case kAdditionalPropertiesRemoved, kUnevaluatedPropertiesRemoved:
		return "undeclared properties are no longer allowed; " + data + " that holds any is rejected (LENIENT assumes it holds none)", true
	case kAdditionalPropertiesExtended, kUnevaluatedPropertiesExtended:
		return "undeclared properties may now hold any value", true
	case kAdditionalPropertiesNarrowed, kUnevaluatedPropertiesNarrowed:
		return "undeclared properties must now match a schema; " + data + " may hold others (LENIENT assumes it holds none)", true
	case kAdditionalItemsAdded, kUnevaluatedItemsAdded:
		return "items past the tuple are now allowed", true
	case kAdditionalItemsRemoved, kUnevaluatedItemsRemoved:
		return "items past the tuple are no longer allowed; " + data + " may have some", true
	case kAdditionalItemsExtended, kUnevaluatedItemsExtended:
		return "items past the tuple may now hold any value", true
	case kAdditionalItemsNarrowed, kUnevaluatedItemsNarrowed:
		return "items past the tuple must now match a schema; " + data + " may hold others", true
	case kItemAddedToOpenContentModel:
		return "tuple position added to an array that allowed any further item; " + data + " may hold another value there", true
	case kItemWithEmptySchemaAddedToOpenContentModel:
		return "tuple position that accepts any value added", true
	case kItemAddedToClosedContentModel:
		return "tuple position added; arrays may now be longer", true
	case kItemRemovedFromOpenContentModel:
		return "tuple position removed; the position now accepts any value", true
	case kItemWithFalseRemovedFromClosedContentModel:
		return "forbidden tuple position dropped; it stays forbidden", true
	case kItemRemovedFromClosedContentModel:
		return "tuple position removed while further items are not allowed; " + data + " that long is now rejected", true
	case kItemRemovedIsCoveredByPartiallyOpenContentModel:
		return "tuple position removed; its values still match the schema for further items", true
	case kItemRemovedNotCoveredByPartiallyOpenContentModel:
		return "tuple position removed; its values in " + data + " no longer match the schema for further items", true
	case kItemAddedIsCoveredByPartiallyOpenContentModel:
		return "tuple position added; it accepts every value the schema for further items did", true
	case kItemAddedNotCoveredByPartiallyOpenContentModel:
		return "tuple position added; it rejects values the schema for further items accepted, which " + data + " may hold", true
	case kUniqueItemsAdded:
		return "items must now be unique; " + data + " may repeat some", true
	case kUniqueItemsRemoved:
		return "items no longer need to be unique", true
	}
	return "", false
}

func arrowText(f finding, data string) (string, bool) {
	switch f.kind {
	case kArrowAdded:
		return "arrow block added", true
	case kArrowRemoved:
		return "arrow block removed; Arrow readers lose the column types", true
	case kArrowNullableFieldAdded:
		return "nullable Arrow field " + show(f.old) + " added as " + show(f.new) + "; old batches read it as null", true
	case kArrowFieldAdded:
		return "non-nullable Arrow field " + show(f.old) + " added as " + show(f.new) + "; " + data + " has no value for it", true
	case kArrowNullableFieldRemoved:
		return "nullable Arrow field " + show(f.old) + " removed", true
	case kArrowFieldRemoved:
		return "non-nullable Arrow field " + show(f.old) + " removed; readers that need it break", true
	case kArrowTypeWidened:
		return "Arrow type widened from " + show(f.old) + " to " + show(f.new) + "; every old value fits", true
	case kArrowTypeNarrowed:
		return "Arrow type narrowed from " + show(f.old) + " to " + show(f.new) + "; " + data + " may not fit", true
	case kArrowTypeChanged:
		return "Arrow type changed from " + show(f.old) + " to " + show(f.new) + "; " + data + " does not convert", true
	case kArrowNullabilityRelaxed:
		return "Arrow field " + show(f.old) + " became nullable", true
	case kArrowNullabilityTightened:
		return "Arrow field " + show(f.old) + " became non-nullable; " + data + " may hold nulls", true
	}
	return "", false
}
