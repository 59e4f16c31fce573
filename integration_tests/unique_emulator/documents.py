"""GraphQL documents as a client of Unique sends them (protocol §3)."""

CONTENT_UPSERT = """
mutation ContentUpsert($input: ContentCreateInput!, $fileUrl: String, $chatId: String, $scopeId: String,
    $sourceOwnerType: String, $sourceName: String, $sourceKind: String, $storeInternally: Boolean,
    $baseUrl: String) {
  contentUpsert(input: $input, fileUrl: $fileUrl, chatId: $chatId, scopeId: $scopeId,
      sourceOwnerType: $sourceOwnerType, sourceName: $sourceName, sourceKind: $sourceKind,
      storeInternally: $storeInternally, baseUrl: $baseUrl) {
    id key title byteSize mimeType ownerType ownerId writeUrl readUrl createdAt internallyStoredAt
    ingestionState url metadata source { kind name }
  }
}"""

PAGINATED_CONTENT = """
query PaginatedContent($skip: Int!, $take: Int!, $where: ContentWhereInput) {
  paginatedContent(skip: $skip, take: $take, where: $where) {
    totalCount nodes { id fileAccess key ownerType ownerId metadata byteSize expiresAt ingestionState url }
  }
}"""

DELETE_BY_IDS = """
mutation ContentDeleteByContentIds($contentIds: [String!]!) {
  contentDeleteByContentIds(contentIds: $contentIds) { id }
}"""

CONTENT_UPDATE = """
mutation ContentUpdate($contentId: String!, $ownerId: String, $input: ContentUpdateInput!) {
  contentUpdate(contentId: $contentId, ownerId: $ownerId, input: $input) { id ownerId ownerType url metadata }
}"""

PAGINATED_SCOPE = """
query PaginatedScope($skip: Int!, $take: Int!, $where: ScopeWhereInput!) {
  paginatedScope(skip: $skip, take: $take, where: $where) { totalCount nodes { id name parentId externalId } }
}"""

GENERATE_SCOPES = """
mutation GenerateScopesBasedOnPaths($paths: [String!]!, $inheritAccess: Boolean) {
  generateScopesBasedOnPaths(paths: $paths, inheritAccess: $inheritAccess) {
    id name parentId externalId scopeAccess { entityId type entityType }
  }
}"""

UPDATE_SCOPE = """
mutation UpdateScope($id: String!, $input: ScopeUpdateInput!) {
  updateScope(id: $id, input: $input) { id name externalId parentId }
}"""

CREATE_SCOPE_ACCESSES = """
mutation CreateScopeAccesses($scopeId: String!, $scopeAccesses: [ScopeAccessChangeDto!]!,
    $applyToSubScopes: Boolean, $skipFileAccessPropagation: Boolean) {
  createScopeAccesses(scopeId: $scopeId, scopeAccesses: $scopeAccesses, applyToSubScopes: $applyToSubScopes,
      skipFileAccessPropagation: $skipFileAccessPropagation)
}"""

DELETE_SCOPE_ACCESSES = CREATE_SCOPE_ACCESSES.replace("createScopeAccesses", "deleteScopeAccesses") \
    .replace("CreateScopeAccesses", "DeleteScopeAccesses")

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

ME = "query Me { me { user { id } } }"

LIST_USERS = """
query listUsers($skip: Int, $take: Int, $where: UserWhereInput) {
  paginatedUsers(skip: $skip, take: $take, where: $where) { totalCount nodes { id active companyId email } }
}"""
