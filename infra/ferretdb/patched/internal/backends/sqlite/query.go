// Copyright 2021 FerretDB Inc.
//
// Licensed under the Apache License, Version 2.0 (the "License");
// you may not use this file except in compliance with the License.
// You may obtain a copy of the License at
//
//     http://www.apache.org/licenses/LICENSE-2.0
//
// Unless required by applicable law or agreed to in writing, software
// distributed under the License is distributed on an "AS IS" BASIS,
// WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
// See the License for the specific language governing permissions and
// limitations under the License.

package sqlite

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/FerretDB/FerretDB/internal/backends/sqlite/metadata"
	"github.com/FerretDB/FerretDB/internal/handler/sjson"
	"github.com/FerretDB/FerretDB/internal/types"
	"github.com/FerretDB/FerretDB/internal/util/must"
)

// prepareSelectClause returns SELECT clause for default column of provided table name.
//
// For capped collection with onlyRecordIDs, it returns select clause for recordID column.
//
// For capped collection, it returns select clause for recordID column and default column.
func prepareSelectClause(table, comment string, capped, onlyRecordIDs bool) string {
	if comment != "" {
		comment = strings.ReplaceAll(comment, "/*", "/ *")
		comment = strings.ReplaceAll(comment, "*/", "* /")
		comment = `/* ` + comment + ` */`
	}

	if capped && onlyRecordIDs {
		return fmt.Sprintf(`SELECT %s %s FROM %q`, comment, metadata.RecordIDColumn, table)
	}

	if capped {
		return fmt.Sprintf(`SELECT %s %s, %s FROM %q`, comment, metadata.RecordIDColumn, metadata.DefaultColumn, table)
	}

	return fmt.Sprintf(`SELECT %s %s FROM %q`, comment, metadata.DefaultColumn, table)
}

// prepareOrderByClause returns ORDER BY clause for given sort document.
//
// The provided sort document should be already validated.
// Provided document should only contain a single value.
func prepareOrderByClause(sort *types.Document) string {
	if sort.Len() != 1 {
		return ""
	}

	v := must.NotFail(sort.Get("$natural"))
	var order string

	switch v.(int64) {
	case 1:
		// Ascending order
	case -1:
		order = " DESC"
	default:
		panic("not reachable")
	}

	return fmt.Sprintf(" ORDER BY %s%s", metadata.RecordIDColumn, order)
}

// The functions below are a CashTrack patch to FerretDB 1.24.2 (see infra/ferretdb/patched/README.md). Upstream pushes down only a filter that is exactly
// {_id: <string or ObjectID>}, and no sort or limit as soon as there is a filter or a sort, so
// every other query decodes the whole collection in Go.

// simpleFieldName matches the top-level field names whose conditions may be pushed down.
var simpleFieldName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// fieldColumn returns the SQLite expression of a top-level field, written exactly as
// metadata.Registry writes index columns, so that SQLite matches it to those indexes.
func fieldColumn(field string) string {
	return fmt.Sprintf("%s->%q", metadata.DefaultColumn, field)
}

// hintedIndexFields returns the fields of the index that hint names (by name or by key document),
// or nil if there is no such index.
func hintedIndexFields(meta *metadata.Collection, hint any) map[string]struct{} {
	if hint == nil {
		return nil
	}

	for _, index := range meta.Settings.Indexes {
		if !indexMatchesHint(index, hint) {
			continue
		}

		fields := make(map[string]struct{}, len(index.Key))
		for _, key := range index.Key {
			if simpleFieldName.MatchString(key.Field) {
				fields[key.Field] = struct{}{}
			}
		}

		return fields
	}

	return nil
}

// indexMatchesHint reports whether hint (an index name or a key document) designates index.
func indexMatchesHint(index metadata.IndexInfo, hint any) bool {
	switch hint := hint.(type) {
	case string:
		return hint == index.Name
	case *types.Document:
		keys := hint.Keys()
		values := hint.Values()

		if len(keys) != len(index.Key) {
			return false
		}

		for i, key := range index.Key {
			var order float64

			switch v := values[i].(type) {
			case int32:
				order = float64(v)
			case int64:
				order = float64(v)
			case float64:
				order = v
			default:
				return false
			}

			if keys[i] != key.Field || (order < 0) != key.Descending || order == 0 {
				return false
			}
		}

		return true
	default:
		return false
	}
}

// prepareWhereClause returns a WHERE clause (maybe empty) and its arguments that select every
// document matching filter, and maybe others: the handler filters the rows again.
//
// It pushes down `_id` equality with a string or ObjectID, and `_id` $in a list of them, next to
// any other condition. For the fields of the hinted index (indexFields, `_id` among them when the
// index holds it), it also pushes down
// equality with a string or a boolean and $gt/$gte/$lt/$lte with a string. Those compare the
// field's JSON text, through the index; that selects the right documents only if no document holds
// an array in those fields, and if their strings order as their JSON text does (no spaces, '!' or
// characters that JSON escapes), which is what a hint promises on this server.
func prepareWhereClause(filter *types.Document, indexFields map[string]struct{}) (string, []any) {
	var conditions []string
	var args []any

	keys := filter.Keys()
	values := filter.Values()

	for i, key := range keys {
		if key == "_id" {
			condition, conditionArgs := idCondition(values[i])
			if condition != "" {
				conditions = append(conditions, condition)
				args = append(args, conditionArgs...)

				continue
			}
		}

		// An `_id` range ({_id: {$gt: cursor}}) falls through to here: pushed down only when the
		// hinted index holds `_id`, like any other field of it.
		if _, ok := indexFields[key]; !ok {
			continue
		}

		fieldConditions, fieldArgs := hintedFieldConditions(fieldColumn(key), values[i])
		conditions = append(conditions, fieldConditions...)
		args = append(args, fieldArgs...)
	}

	if len(conditions) == 0 {
		return "", nil
	}

	return " WHERE " + strings.Join(conditions, " AND "), args
}

// idCondition returns the condition for an `_id` filter value, or "" if it cannot be pushed down.
func idCondition(value any) (string, []any) {
	switch value := value.(type) {
	case string, types.ObjectID:
		return fmt.Sprintf(`%s = ?`, metadata.IDColumn), []any{string(must.NotFail(sjson.MarshalSingleValue(value)))}
	case *types.Document:
		if value.Len() != 1 {
			return "", nil
		}

		in, ok := must.NotFail(value.Get(value.Keys()[0])).(*types.Array)
		if value.Keys()[0] != "$in" || !ok || in.Len() == 0 {
			return "", nil
		}

		placeholders := make([]string, in.Len())
		args := make([]any, in.Len())

		for i := range in.Len() {
			element := must.NotFail(in.Get(i))

			switch element.(type) {
			case string, types.ObjectID:
				placeholders[i] = "?"
				args[i] = string(must.NotFail(sjson.MarshalSingleValue(element)))
			default:
				return "", nil
			}
		}

		return fmt.Sprintf(`%s IN (%s)`, metadata.IDColumn, strings.Join(placeholders, ", ")), args
	default:
		return "", nil
	}
}

// hintedFieldConditions returns the conditions for the filter value of a hinted index field.
func hintedFieldConditions(column string, value any) ([]string, []any) {
	switch value := value.(type) {
	case string, bool:
		return []string{column + ` = ?`}, []any{string(must.NotFail(sjson.MarshalSingleValue(value)))}
	case *types.Document:
		var conditions []string
		var args []any

		keys := value.Keys()
		values := value.Values()

		for i, operator := range keys {
			operand, isString := values[i].(string)

			var sqlOperator string

			switch operator {
			case "$eq":
				sqlOperator = "="
			case "$gt":
				sqlOperator = ">"
			case "$gte":
				sqlOperator = ">="
			case "$lt":
				sqlOperator = "<"
			case "$lte":
				sqlOperator = "<="
			}

			if sqlOperator == "" || !isString {
				continue
			}

			conditions = append(conditions, fmt.Sprintf("%s %s ?", column, sqlOperator))
			args = append(args, string(must.NotFail(sjson.MarshalSingleValue(operand))))
		}

		return conditions, args
	default:
		return nil, nil
	}
}

// prepareFieldOrderByClause returns an ORDER BY clause for a sort on fields of the hinted index
// (or `_id`), or "" if some sort field is not one of them.
func prepareFieldOrderByClause(sort *types.Document, indexFields map[string]struct{}) string {
	if sort.Len() == 0 || indexFields == nil {
		return ""
	}

	keys := sort.Keys()
	values := sort.Values()
	columns := make([]string, len(keys))

	for i, field := range keys {
		if _, ok := indexFields[field]; !ok && field != "_id" {
			return ""
		}

		column := fieldColumn(field)

		switch values[i] {
		case int64(1):
			columns[i] = column
		case int64(-1):
			columns[i] = column + " DESC"
		default:
			return ""
		}
	}

	return " ORDER BY " + strings.Join(columns, ", ")
}
