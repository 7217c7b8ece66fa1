// The JSON value every answer is read through (`response.data`, the views' `json`): importing
// GlobusSDK imports it too.
@_exported import JSON
