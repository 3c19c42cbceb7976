// Package action is the GitHub Action that judges a pull request against a
// schemas repository: it runs the same check as "schemareg check" from the
// pull request's merge base to its head, then reports the verdict where a
// reviewer sees it.
//
//   - Annotations: "::error file=…,line=…" on the lines of breaking changes
//     and of versions bumped too little (10 per level; the rest go to the
//     step summary).
//   - Labels: schema:breaking or schema:compatible, created in the
//     repository when missing; the opposite one is removed, others are kept.
//   - One sticky comment, found again by a hidden marker per workflow and
//     job, rewritten on every push and cut below GitHub's size limit.
//   - Outputs (breaking, compatible, changed, required-bump, report) and the
//     step summary, written also when GitHub refuses the token.
//
// The command builds a Config from the Actions environment and calls Run:
//
//	ev, err := action.ReadEvent(os.Getenv("GITHUB_EVENT_PATH"))
//	...
//	gh := action.NewClient(apiURL, "owner/repo", token, logger)
//	res, err := action.Run(ctx, action.Config{
//		Repository: "owner/repo", Number: ev.Number, Base: ev.Base, Head: ev.Head,
//		Workspace: workspace, Comment: true, Labels: true,
//		OverrideLabel: action.DefaultOverrideLabel,
//		Actions: githubactions.New(),
//	}, gh, logger)
//	if err == nil && res.Failed {
//		os.Exit(1)
//	}
//
// A 403 from GitHub, as a read-only token on a pull request from a fork
// gets, becomes a notice: the verdict alone decides the exit.
package action
