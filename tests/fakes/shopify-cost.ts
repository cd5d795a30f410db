import {
  getNamedType,
  getVariableValues,
  isAbstractType,
  isInterfaceType,
  isLeafType,
  isObjectType,
  Kind,
  parse,
  TypeInfo,
  valueFromAST,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type GraphQLType,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";

/**
 * The requested cost of a GraphQL Admin API operation, computed as Shopify documents it — shared by the
 * schema test (every document Facto sends must cost ≤ 1,000) and the fake Shopify (which refuses what
 * Shopify refuses). Sources:
 * - https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits, "Cost calculation": "By default,
 *   a field's cost is based on what the field returns: Scalar 0 | Enum 0 | Object 1 | Interface: Maximum
 *   of possible selections | Union: Maximum of possible selections | Connection: Sized by first and last
 *   arguments | Mutation 10".
 * - https://help.shopify.com/en/api/graphql-admin-api/call-limit: "Single query limit — A single query to
 *   the API cannot exceed a cost of 1000. This limit is enforced before query execution begins, and is
 *   therefore based on the requested cost of the query". "The requested cost is based on the number of
 *   fields requested" (connections count `first`/`last` objects, not the ones that exist).
 * - Shopify's engineering write-up of the model (shopify.engineering/rate-limiting-graphql-apis-calculating-query-complexity):
 *   "Connections: two points plus the number of returned objects", nested connections multiply.
 * Where the docs are silent Facto assumes (decision 015): a plain list of objects (not a connection) costs
 * like one object, except `nodes(ids:)` which costs its objects once per id; a mutation field costs 10 and
 * its payload selection nothing more.
 */
export const SHOPIFY_MAX_QUERY_COST = 1000;
/** https://shopify.dev/docs/api/usage/limits: "Input arrays ... can't exceed 250 items" (reference/shopify.md: "Input arrays are capped at 250 items"). */
export const SHOPIFY_MAX_INPUT_ARRAY = 250;

export interface OversizedInput {
  path: (string | number)[];
  size: number;
}

export interface CostReport {
  operationName: string | null;
  cost: number;
  /** Input lists (arguments, directly or through variables) longer than Shopify accepts. */
  oversizedInputs: OversizedInput[];
}

/** Cost of the operation in `document` (the one named `operationName`, or the only one). */
export function requestedQueryCost(schema: GraphQLSchema, document: DocumentNode | string, variables: Record<string, unknown> = {}, operationName?: string): CostReport {
  const doc = typeof document === "string" ? parse(document) : document;
  const operations = doc.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName ? operations.find((o) => o.name?.value === operationName) : operations[0];
  if (!operation) throw new Error(`no operation ${operationName ?? ""} in the document`);
  const fragments = new Map(doc.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]));
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables);
  const vars = coerced.coerced ?? {};

  const argument = (field: GraphQLField<unknown, unknown>, node: FieldNode, name: string): unknown => {
    const def = field.args.find((a) => a.name === name);
    const arg = node.arguments?.find((a) => a.name.value === name);
    if (!def || !arg) return undefined;
    return valueFromAST(arg.value, def.type, vars);
  };

  /** The fields a selection set asks of an object type (fragments expanded). */
  const fieldsFor = (type: GraphQLObjectType, selectionSet: SelectionSetNode, out: FieldNode[] = []): FieldNode[] => {
    for (const s of selectionSet.selections) {
      if (s.kind === Kind.FIELD) out.push(s);
      else {
        const fragment = s.kind === Kind.INLINE_FRAGMENT ? s : fragments.get(s.name.value);
        if (!fragment) continue;
        const condition = fragment.typeCondition?.name.value;
        if (!condition || condition === type.name || type.getInterfaces().some((i) => i.name === condition) || unionHas(schema, condition, type)) {
          fieldsFor(type, fragment.selectionSet, out);
        }
      }
    }
    return out;
  };

  /** Cost of one object of `type` with its selection: the object itself plus what is selected in it. */
  const objectCost = (type: GraphQLNamedType, selectionSet: SelectionSetNode | undefined): number => {
    if (isLeafType(type)) return 0;
    if (isAbstractType(type)) {
      // "Interface / Union: Maximum of possible selections"
      return Math.max(0, ...schema.getPossibleTypes(type).map((t) => objectCost(t, selectionSet)));
    }
    return 1 + selectionCost(type as GraphQLObjectType, selectionSet);
  };

  const selectionCost = (type: GraphQLObjectType, selectionSet: SelectionSetNode | undefined): number => {
    if (!selectionSet) return 0;
    let total = 0;
    for (const node of fieldsFor(type, selectionSet)) {
      if (node.name.value.startsWith("__")) continue;
      const field = type.getFields()[node.name.value];
      if (!field) continue; // validation reports it
      total += fieldCost(field, node);
    }
    return total;
  };

  const fieldCost = (field: GraphQLField<unknown, unknown>, node: FieldNode): number => {
    const named = getNamedType(field.type);
    if (isLeafType(named)) return 0; // "Scalar 0 | Enum 0"
    if (isConnection(named)) {
      // "Connection: Sized by first and last arguments": 2 + size × (cost of one node)
      const size = Number(argument(field, node, "first") ?? argument(field, node, "last") ?? 0);
      const connection = named as GraphQLObjectType;
      let perNode = 0;
      for (const inner of fieldsFor(connection, node.selectionSet!)) {
        const name = inner.name.value;
        const nodeType = getNamedType(connection.getFields()[name]?.type as GraphQLType);
        if (name === "nodes") perNode = Math.max(perNode, objectCost(nodeType, inner.selectionSet));
        if (name === "edges") {
          const edge = nodeType as GraphQLObjectType;
          for (const e of fieldsFor(edge, inner.selectionSet!)) {
            if (e.name.value === "node") perNode = Math.max(perNode, objectCost(getNamedType(edge.getFields().node!.type), e.selectionSet));
          }
        }
      }
      return 2 + size * perNode;
    }
    const ids = argument(field, node, "ids");
    const times = field.name === "nodes" && Array.isArray(ids) ? ids.length : 1;
    return times * objectCost(named, node.selectionSet);
  };

  const root = operation.operation === "mutation" ? schema.getMutationType()! : operation.operation === "subscription" ? schema.getSubscriptionType()! : schema.getQueryType()!;
  let cost = 0;
  for (const node of fieldsFor(root, operation.selectionSet)) {
    if (node.name.value.startsWith("__")) continue;
    const field = root.getFields()[node.name.value];
    if (!field) continue;
    cost += operation.operation === "mutation" ? 10 : fieldCost(field, node); // "Mutation 10"
  }
  return { operationName: operation.name?.value ?? null, cost, oversizedInputs: oversizedInputs(schema, doc, operation, vars) };
}

function unionHas(schema: GraphQLSchema, name: string, type: GraphQLObjectType): boolean {
  const t = schema.getType(name);
  return !!t && isAbstractType(t) && schema.isSubType(t, type);
}

/** A Relay connection: an object type `<X>Connection` with `pageInfo` and `nodes` or `edges`. */
export function isConnection(type: GraphQLNamedType): boolean {
  if (!isObjectType(type) && !isInterfaceType(type)) return false;
  const fields = type.getFields();
  return type.name.endsWith("Connection") && "pageInfo" in fields && ("nodes" in fields || "edges" in fields);
}

/** Every list value given to an argument (inline or through a variable, at any depth) longer than 250. */
function oversizedInputs(schema: GraphQLSchema, doc: DocumentNode, operation: OperationDefinitionNode, vars: Record<string, unknown>): OversizedInput[] {
  const found: OversizedInput[] = [];
  const walk = (value: unknown, path: (string | number)[]) => {
    if (Array.isArray(value)) {
      if (value.length > SHOPIFY_MAX_INPUT_ARRAY) found.push({ path, size: value.length });
      value.forEach((v, i) => walk(v, [...path, i]));
    } else if (value && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) walk(v, [...path, k]);
    }
  };
  const typeInfo = new TypeInfo(schema);
  const fieldPath: string[] = [];
  visit(
    { ...doc, definitions: [operation] },
    visitWithTypeInfo(typeInfo, {
      Field: {
        enter: (node) => void fieldPath.push(node.alias?.value ?? node.name.value),
        leave: () => void fieldPath.pop(),
      },
      Argument(node) {
        const def = typeInfo.getArgument();
        if (!def) return;
        walk(valueFromAST(node.value, def.type, vars), [...fieldPath, node.name.value]);
      },
    }),
  );
  return found;
}

