import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * `npm run codegen` regenerates; `npm run check:codegen` fails when a committed file is stale.
 * Each output is one entry of `generates`: a client target goes next to the server one.
 */
const config: CodegenConfig = {
  schema: 'schema/flags.graphql',
  overwrite: true,
  generates: {
    'src/graphql/generated.ts': {
      plugins: ['typescript', 'typescript-resolvers'],
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        strictScalars: true,
        // Resolvers return domain objects; paths are relative to the generated file.
        contextType: './context.js#GraphQLContext',
        scalars: { JSON: 'unknown' },
        mappers: {
          Flag: '../flags/flag-view.js#FlagView',
          DeletedFlag: '../flags/flag-service.js#DeletedFlag',
          FlagChange: './subscription-hub.js#ScopedFlagChange',
          Environment: '../flags/environment-service.js#EnvironmentView',
          Evaluation: '../evaluation/flag-evaluator.js#ServedEvaluation',
          Segment: '../flags/segment-view.js#SegmentView',
          DeletedSegment: '../flags/segment-service.js#DeletedSegment',
          AuditEntry: '../audit/audit-view.js#AuditEntryView',
          AuditDiff: '../audit/audit-diff.js#DiffOp',
          AuditState: '../audit/audit-entry.js#AuditState',
          Promotion: '../flags/promotion-service.js#Promotion',
          PromotedFlag: '../flags/promotion-service.js#PromotedFlag',
          // The typed flag document: parts of a FlagView's definition (flag-parts.ts adds the ids).
          Variant: './flag-parts.js#VariantPart',
          FlagEnvironment: './flag-parts.js#EnvironmentPart',
          Rule: './flag-parts.js#RulePart',
          Clause: '@flagwire/core#Clause',
          Serve: '@flagwire/core#Serve',
          Rollout: '@flagwire/core#Rollout',
          Weight: '@flagwire/core#WeightedVariant',
          Target: '@flagwire/core#Target',
          Prerequisite: '@flagwire/core#Prerequisite',
          EvaluationDecision: '@flagwire/core#Decision',
          FailedPrerequisite: '../evaluation/decision.js#FailedPrerequisite',
          RolloutDraw: '@flagwire/core#RolloutDecision',
        },
        mapperTypeSuffix: 'Model',
      },
    },
    // @flagwire/client: typed operations from client/src/graphql/*.graphql. Documents are emitted as
    // strings (TypedDocumentString), so the client needs no `graphql` runtime to send them.
    'client/src/generated/': {
      documents: ['client/src/graphql/**/*.graphql'],
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        // ESM under nodenext: relative imports need their extension (STACK pitfall 5).
        importExtension: '.js',
        documentMode: 'string',
        useTypeImports: true,
        enumsAsTypes: true,
        strictScalars: true,
        skipTypename: true,
        onlyOperationTypes: true,
        // The flag document; the client checks its shape before holding it (wire.ts).
        scalars: { JSON: 'unknown' },
      },
    },
    // The admin console (console/, bundled by Vite): typed operations from console/src/graphql/*.graphql,
    // emitted as strings like the client's, so the browser bundle carries no `graphql` runtime.
    'console/src/generated/': {
      documents: ['console/src/graphql/**/*.graphql'],
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        documentMode: 'string',
        useTypeImports: true,
        enumsAsTypes: true,
        strictScalars: true,
        skipTypename: true,
        onlyOperationTypes: true,
        // Flag and segment documents: typed by @flagwire/core's schema where the console reads them.
        scalars: { JSON: 'unknown' },
      },
    },
  },
};

export default config;
