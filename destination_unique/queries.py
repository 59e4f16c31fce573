"""GraphQL documents of the Unique operations the client sends (protocol §3; field names exact)."""

ME = "query Me { me { user { id } } }"

CREATE_SCOPE_ACCESSES = """
mutation CreateScopeAccesses($scopeId: String!, $scopeAccesses: [ScopeAccessChangeDto!]!,
                             $applyToSubScopes: Boolean, $skipFileAccessPropagation: Boolean) {
  createScopeAccesses(scopeId: $scopeId, scopeAccesses: $scopeAccesses, applyToSubScopes: $applyToSubScopes,
                      skipFileAccessPropagation: $skipFileAccessPropagation)
}"""

PAGINATED_SCOPE = """
query PaginatedScope($skip: Int!, $take: Int!, $where: ScopeWhereInput!) {
  paginatedScope(skip: $skip, take: $take, where: $where) { totalCount nodes { id name parentId externalId } }
}"""

UPDATE_SCOPE = """
mutation UpdateScope($id: String!, $input: ScopeUpdateInput!) {
  updateScope(id: $id, input: $input) { id name externalId parentId }
}"""

GENERATE_SCOPES = """
mutation GenerateScopesBasedOnPaths($paths: [String!]!, $inheritAccess: Boolean) {
  generateScopesBasedOnPaths(paths: $paths, inheritAccess: $inheritAccess) { id name parentId externalId }
}"""

DELETE_FOLDER = """
mutation DeleteFolder($scopeId: String!, $recursive: Boolean!) {
  deleteFolder(scopeId: $scopeId, recursive: $recursive) {
    successFolders { id name path } failedFolders { id name failReason path }
  }
}"""

BULK_MOVE = """
mutation BulkMove($input: BulkMoveInput!) {
  bulkMove(input: $input) { scopeIds asyncMetadataRebuild jobId affectedFiles message }
}"""

CONTENT_UPSERT = """
mutation ContentUpsert($input: ContentCreateInput!, $fileUrl: String, $scopeId: String, $sourceOwnerType: String,
                       $sourceName: String, $sourceKind: String, $storeInternally: Boolean, $baseUrl: String) {
  contentUpsert(input: $input, fileUrl: $fileUrl, scopeId: $scopeId, sourceOwnerType: $sourceOwnerType,
                sourceName: $sourceName, sourceKind: $sourceKind, storeInternally: $storeInternally,
                baseUrl: $baseUrl) { id key writeUrl readUrl }
}"""

PAGINATED_CONTENT = """
query PaginatedContent($skip: Int!, $take: Int!, $where: ContentWhereInput) {
  paginatedContent(skip: $skip, take: $take, where: $where) { totalCount nodes { id key ownerId } }
}"""

DELETE_CONTENTS = """
mutation ContentDeleteByContentIds($contentIds: [String!]!) {
  contentDeleteByContentIds(contentIds: $contentIds) { id }
}"""

CONTENT_UPDATE = """
mutation ContentUpdate($contentId: String!, $input: ContentUpdateInput!) {
  contentUpdate(contentId: $contentId, input: $input) { id ownerId ownerType }
}"""

# ── access mirroring (access/mirror.py) ─────────────────────────────
PAGINATED_USERS = """
query PaginatedUsers($skip: Int, $take: Int, $where: UserWhereInput) {
  paginatedUsers(skip: $skip, take: $take, where: $where) { totalCount nodes { id active email } }
}"""

SCOPES_WITH_ACCESSES = """
mutation GenerateScopesBasedOnPaths($paths: [String!]!, $inheritAccess: Boolean) {
  generateScopesBasedOnPaths(paths: $paths, inheritAccess: $inheritAccess) {
    id name parentId externalId scopeAccess { entityId type entityType }
  }
}"""

DELETE_SCOPE_ACCESSES = """
mutation DeleteScopeAccesses($scopeId: String!, $scopeAccesses: [ScopeAccessChangeDto!]!,
                             $applyToSubScopes: Boolean, $skipFileAccessPropagation: Boolean) {
  deleteScopeAccesses(scopeId: $scopeId, scopeAccesses: $scopeAccesses, applyToSubScopes: $applyToSubScopes,
                      skipFileAccessPropagation: $skipFileAccessPropagation)
}"""

MOVE_CONTENT = """
mutation ContentUpdate($contentId: String!, $ownerId: String, $input: ContentUpdateInput!) {
  contentUpdate(contentId: $contentId, ownerId: $ownerId, input: $input) { id ownerId ownerType }
}"""
