// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Ownable2Step, Ownable} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {ICommunityRoles} from "../access/ICommunityRoles.sol";
import {Roles} from "../access/Roles.sol";
import {IRevenueLedger} from "../revenue/IRevenueLedger.sol";
import {IGovernance} from "./IGovernance.sol";

/// @title Owners' decisions and committee approvals (PRC Civil Code arts. 278, 281)
/// @notice A decision is a proposal about one action, named by its action hash. It is usable once,
///         when (1) M of the community's N committee members approved it with their own EIP-712
///         signatures (the proposer never counts), and (2) if it names an owners' decision type,
///         the recorded tally of the owners' vote meets that type's quorum and pass rule.
///
///         Conventions:
///         - floor area is an integer in 0.01 m²; headcount is one per unit (专有部分);
///         - every threshold is a fraction num/den checked with integer cross-multiplication:
///           "at least" (以上) is `part * den >= num * whole`, "more than" is `>`;
///         - decision types 1-5 are the statute's defaults and cannot be changed; a community may
///           define its own types 16-255 (e.g. "2/3 of all households consent") through the process;
///         - a community that never set up its committee is not yet governed: its policies are
///           activated by a committee-role holder as before and its spending has no threshold;
///           once its admin sets the committee up (once), every change needs the process.
interface IGovernanceProcess is IGovernance {
    /// @notice How a decision type is decided. Both measures (area, headcount) that the rule
    ///         checks must meet the quorum and the pass threshold.
    /// @param quorumNum participation must be at least quorumNum/quorumDen of the total (0/0: none)
    /// @param quorumDen see quorumNum
    /// @param passNum yes must reach passNum/passDen of the base
    /// @param passDen see passNum
    /// @param passInclusive true: yes * den >= num * base ("at least"); false: > ("more than")
    /// @param passOfTotal true: the base is the total; false: the participating owners
    /// @param area whether floor area is counted
    /// @param heads whether headcount (units) is counted
    struct Rule {
        uint8 quorumNum;
        uint8 quorumDen;
        uint8 passNum;
        uint8 passDen;
        bool passInclusive;
        bool passOfTotal;
        bool area;
        bool heads;
    }

    /// @notice A vote's count as reconciled from electronic and paper ballots (individual ballots
    ///         stay off chain; `ballotHash` names the ballot record).
    struct Tally {
        uint64 totalArea;
        uint64 participatingArea;
        uint64 yesArea;
        uint64 paperArea;
        uint32 totalUnits;
        uint32 participatingUnits;
        uint32 yesUnits;
        uint32 paperUnits;
    }

    /// @notice The committee was set (epoch 1 by the community admin; later epochs by a proposal).
    /// @param community the community id
    /// @param epoch committee version; approvals count only from members of the current epoch
    /// @param members the members (their own keys)
    /// @param threshold approvals needed (M of N)
    /// @param proposalId the proposal that changed it (0: first set-up)
    event CommitteeSet(bytes32 indexed community, uint32 epoch, address[] members, uint8 threshold, uint256 proposalId);

    /// @notice The community's spending and policy settings were set.
    /// @param community the community id
    /// @param spendThreshold spending above this many fen needs an approved proposal
    /// @param maintenanceBucket the bucket that is the maintenance fund
    /// @param policyType decision type a policy needs
    /// @param maintenancePolicyType decision type a policy sending revenue to the maintenance fund needs
    /// @param proposalId the proposal that set them (0: first set-up)
    event SettingsSet(
        bytes32 indexed community,
        uint64 spendThreshold,
        bytes32 maintenanceBucket,
        uint8 policyType,
        uint8 maintenancePolicyType,
        uint256 proposalId
    );

    /// @notice A community defined its own decision type.
    /// @param community the community id
    /// @param decisionType the type id (16-255)
    /// @param label short name, UTF-8 in 32 bytes
    /// @param rule how it is decided
    /// @param proposalId the proposal that defined it
    event DecisionTypeDefined(
        bytes32 indexed community, uint8 decisionType, bytes32 label, Rule rule, uint256 proposalId
    );

    /// @notice A proposal was published.
    /// @param community the community id
    /// @param proposalId the proposal's number in its community (1, 2, ...)
    /// @param proposer who proposed it (can never approve it)
    /// @param decisionType owners' decision type it needs (0: committee approval only)
    /// @param actionHash the action it allows, once
    /// @param documentHash the proposal document (what members sign over)
    /// @param noticeHash public notice of an emergency use of the maintenance fund (art. 281); 0 otherwise
    /// @param deadline last moment (unix seconds) it can be approved, voted on or used
    /// @param label short description, UTF-8 in 32 bytes (display only)
    event ProposalCreated(
        bytes32 indexed community,
        uint256 proposalId,
        address proposer,
        uint8 decisionType,
        bytes32 actionHash,
        bytes32 documentHash,
        bytes32 noticeHash,
        uint64 deadline,
        bytes32 label
    );

    /// @notice A committee member approved or rejected a proposal with their own signature.
    /// @param community the community id
    /// @param proposalId the proposal
    /// @param member the member whose signature it was
    /// @param approve true: approval; false: rejection
    /// @param approvals approvals by current members after this one
    /// @param rejections rejections by current members after this one
    event ProposalSigned(
        bytes32 indexed community, uint256 proposalId, address member, bool approve, uint8 approvals, uint8 rejections
    );

    /// @notice Enough current members rejected that the proposal can no longer be approved.
    /// @param community the community id
    /// @param proposalId the proposal
    event ProposalRejected(bytes32 indexed community, uint256 proposalId);

    /// @notice A proposal passed its deadline unused.
    /// @param community the community id
    /// @param proposalId the proposal
    /// @param deadline its deadline
    event ProposalExpired(bytes32 indexed community, uint256 proposalId, uint64 deadline);

    /// @notice An owners' vote was recorded and checked; failed votes are recorded like passed ones.
    /// @param community the community id
    /// @param proposalId the proposal voted on
    /// @param decisionType the decision type
    /// @param rule the rule applied
    /// @param tally the count
    /// @param ballotHash hash of the ballot record (individual ballots stay off chain)
    /// @param quorumMet whether participation met the quorum
    /// @param passed whether the proposal passed
    /// @param recorder the committee-role holder who recorded it
    event VoteRecorded(
        bytes32 indexed community,
        uint256 proposalId,
        uint8 decisionType,
        Rule rule,
        Tally tally,
        bytes32 ballotHash,
        bool quorumMet,
        bool passed,
        address recorder
    );

    /// @notice An approved proposal was used for its action (once).
    /// @param community the community id
    /// @param proposalId the proposal
    /// @param actionHash the action
    /// @param decisionType the owners' decision type it passed (0: committee only)
    /// @param emergency whether it used the emergency procedure (art. 281)
    /// @param by the contract or account that used it
    event ApprovalUsed(
        bytes32 indexed community, uint256 proposalId, bytes32 actionHash, uint8 decisionType, bool emergency, address by
    );

    /// @notice A policy version was activated on the revenue ledger.
    /// @param community the community id
    /// @param proposalId the proposal that enacted it (0: a committee-role holder, no committee set up yet)
    /// @param policyVersion the revenue ledger's policy version
    /// @param decisionType the owners' decision type it passed
    /// @param decisionHash the decision record's hash handed to the ledger
    event PolicyEnacted(
        bytes32 indexed community, uint256 proposalId, uint32 policyVersion, uint8 decisionType, bytes32 decisionHash
    );

    /// @notice A contract may (or may no longer) use approvals (`consumeApproval`).
    /// @param linked the contract
    /// @param allowed whether it may
    event LinkSet(address linked, bool allowed);

    /// @notice The committee of this community was already set up; changes need a proposal.
    error GovernanceAlreadySetUp(bytes32 community);
    /// @notice The community has no committee yet.
    error GovernanceNoCommittee(bytes32 community);
    /// @notice The community has a committee: policies go through a proposal.
    error GovernanceUseProposal(bytes32 community);
    /// @notice The committee is malformed (1: 1 to 15 members, 2: 1 <= M <= N, 3: zero or repeated member).
    error GovernanceInvalidCommittee(bytes32 community, uint8 reason);
    /// @notice The account holds no role in the community that may do this.
    error GovernanceNotOfficer(bytes32 community, address account);
    /// @notice The proposal number given is not the next one (a re-sent proposal).
    error GovernanceWrongProposalId(bytes32 community, uint256 expected, uint256 given);
    /// @notice No such proposal in this community.
    error GovernanceUnknownProposal(bytes32 community, uint256 proposalId);
    /// @notice No such decision type in this community.
    error GovernanceUnknownDecisionType(bytes32 community, uint8 decisionType);
    /// @notice The deadline must be in the future and within a year.
    error GovernanceInvalidDeadline(uint64 deadline, uint64 nowTime);
    /// @notice An open proposal for this action exists already.
    error GovernanceDuplicateAction(bytes32 community, bytes32 actionHash, uint256 proposalId);
    /// @notice The emergency procedure needs a public notice and no owners' vote.
    error GovernanceInvalidEmergency(bytes32 community);
    /// @notice The account is not a member of the community's current committee.
    error GovernanceNotMember(bytes32 community, address account);
    /// @notice The signature is not the member's over this proposal (forged, or for another
    ///         proposal, community, chain or contract).
    error GovernanceBadSignature(bytes32 community, uint256 proposalId, address member);
    /// @notice The signature expired.
    error GovernanceSignatureExpired(uint64 expiry, uint64 nowTime);
    /// @notice The member already signed this proposal.
    error GovernanceAlreadySigned(bytes32 community, uint256 proposalId, address member);
    /// @notice Whoever proposes cannot approve.
    error GovernanceProposerCannotApprove(bytes32 community, uint256 proposalId, address member);
    /// @notice The proposal is closed (status 2 used, 3 vote failed, 4 rejected, 5 expired).
    error GovernanceProposalClosed(bytes32 community, uint256 proposalId, uint8 status);
    /// @notice The proposal is past its deadline.
    error GovernanceProposalExpired(bytes32 community, uint256 proposalId, uint64 deadline);
    /// @notice The proposal is not past its deadline yet.
    error GovernanceNotExpired(bytes32 community, uint256 proposalId, uint64 deadline);
    /// @notice Too few current committee members approved.
    error GovernanceNotApproved(bytes32 community, uint256 proposalId, uint8 approvals, uint8 required);
    /// @notice The owners have not voted for it yet.
    error GovernanceVoteRequired(bytes32 community, uint256 proposalId, uint8 decisionType);
    /// @notice The proposal needs no owners' vote (committee approval only).
    error GovernanceNoVoteNeeded(bytes32 community, uint256 proposalId);
    /// @notice A vote on this proposal was recorded already.
    error GovernanceVoteAlreadyRecorded(bytes32 community, uint256 proposalId);
    /// @notice The tally is inconsistent (1: a total counted by the rule is 0, 2: participating >
    ///         total, 3: yes > participating, 4: paper > participating).
    error GovernanceInvalidTally(uint8 reason);
    /// @notice The rule is malformed (1: den 0 or num > den, 2: neither area nor heads, 3: type id not 16-255).
    error GovernanceInvalidRule(uint8 reason);
    /// @notice The community already defined this decision type (types never change once used).
    error GovernanceDecisionTypeExists(bytes32 community, uint8 decisionType);
    /// @notice Spending above the threshold needs an approved proposal for exactly this action.
    error GovernanceApprovalRequired(bytes32 community, bytes32 actionHash, uint64 amount, uint64 threshold);
    /// @notice The maintenance fund is used only by an owners' decision (art. 278(5)) or the emergency procedure (art. 281).
    error GovernanceMaintenanceNeedsOwners(bytes32 community, uint256 proposalId);
    /// @notice The proposal is about another action.
    error GovernanceWrongAction(bytes32 community, uint256 proposalId, bytes32 actionHash);
    /// @notice The proposal names another decision type than this action needs.
    error GovernanceWrongDecisionType(bytes32 community, uint256 proposalId, uint8 required, uint8 given);
    /// @notice Only the revenue ledger calls this.
    error GovernanceOnlyRevenue(address caller);
    /// @notice Only linked contracts use approvals.
    error GovernanceNotLinked(address caller);
}

/// @title Governance
/// @notice See `IGovernanceProcess` for the rules.
/// @dev Storage: one slot of committee settings per community, the member list with each
///      member's epoch (a member counts only while their epoch is the committee's), one packed
///      slot plus two hashes per proposal, and per proposal one word per signature.
contract Governance is IGovernanceProcess, Ownable2Step, EIP712 {
    uint8 public constant ORDINARY = 1;
    uint8 public constant MAINTENANCE_USE = 2;
    uint8 public constant RAISE_MAINTENANCE = 3;
    uint8 public constant REBUILD = 4;
    uint8 public constant COMMON_PARTS = 5;
    uint8 private constant FIRST_CUSTOM = 16;
    uint256 private constant MAX_MEMBERS = 15;
    uint64 private constant MAX_LIFETIME = 366 days;

    uint8 private constant OPEN = 1;
    uint8 private constant USED = 2;
    uint8 private constant FAILED = 3;
    uint8 private constant REJECTED = 4;
    uint8 private constant EXPIRED = 5;

    uint256 private constant APPROVED = 1 << 160;

    uint8 private constant VOTE_PASSED = 1;
    uint8 private constant VOTE_FAILED = 2;

    bytes32 private constant APPROVAL_TYPEHASH = keccak256(
        "Approval(bytes32 community,uint256 proposalId,bytes32 actionHash,bytes32 documentHash,bool approve,uint64 expiry)"
    );
    bytes32 private constant POLICY_ACTION = keccak256("civic.action.policy");
    bytes32 private constant COMMITTEE_ACTION = keccak256("civic.action.committee");
    bytes32 private constant SETTINGS_ACTION = keccak256("civic.action.settings");
    bytes32 private constant DECISION_TYPE_ACTION = keccak256("civic.action.decision_type");

    /// @dev One slot per community.
    struct Committee {
        uint32 epoch;
        uint8 threshold;
        uint8 size;
        uint8 policyType;
        uint8 maintenancePolicyType;
        uint64 spendThreshold;
        uint64 proposalCount;
    }

    struct Proposal {
        address proposer;
        uint64 deadline;
        uint8 decisionType;
        uint8 status;
        uint8 vote;
        bool emergency;
        bytes32 actionHash;
        bytes32 documentHash;
    }

    ICommunityRoles private immutable _roles;
    IRevenueLedger private immutable _revenue;

    mapping(bytes32 community => Committee) private _committees;
    mapping(bytes32 community => bytes32) private _maintenanceBucket;
    mapping(bytes32 community => address[]) private _members;
    mapping(bytes32 community => mapping(address member => uint32 epoch)) private _memberEpoch;
    mapping(bytes32 community => mapping(uint8 decisionType => Rule)) private _customRules;
    mapping(bytes32 community => mapping(uint256 id => Proposal)) private _proposals;
    /// @dev The latest proposal per action (a used or closed one may be followed by a new one).
    mapping(bytes32 community => mapping(bytes32 actionHash => uint256 id)) private _byAction;
    /// @dev Per proposal, one word per signature: the member (bits 0-159) and 1 << 160 for an approval.
    mapping(bytes32 community => mapping(uint256 id => uint256[])) private _signatures;
    mapping(address linked => bool allowed) private _linked;

    /// @param roles the community registry
    /// @param revenue the revenue ledger whose policies and spending this governs
    /// @param operator the deployment operator (owner: linking contracts)
    constructor(ICommunityRoles roles, IRevenueLedger revenue, address operator)
        Ownable(operator)
        EIP712("Civic Ledger Governance", "1")
    {
        _roles = roles;
        _revenue = revenue;
    }

    // ----------------------------------------------------------------------------- wiring

    /// @notice Lets a contract (funds, time bank, oversight) use approvals for its own actions.
    /// @param linked the contract
    /// @param allowed whether it may
    function setLinked(address linked, bool allowed) external onlyOwner {
        _linked[linked] = allowed;
        emit LinkSet(linked, allowed);
    }

    // ----------------------------------------------------------------------------- committee

    /// @notice The community admin sets the first committee and settings, once. Every later
    ///         change is a proposal (`changeCommittee`, `changeSettings`).
    /// @param community the community id
    /// @param members the members' own addresses
    /// @param threshold approvals needed (M)
    /// @param spendThreshold spending above this many fen needs an approved proposal
    /// @param maintenanceBucket the bucket that is the maintenance fund
    function setUpCommittee(
        bytes32 community,
        address[] calldata members,
        uint8 threshold,
        uint64 spendThreshold,
        bytes32 maintenanceBucket
    ) external {
        _roles.checkRole(community, Roles.ADMIN, msg.sender);
        Committee storage c = _committees[community];
        if (c.epoch != 0) revert GovernanceAlreadySetUp(community);
        c.policyType = ORDINARY;
        c.maintenancePolicyType = RAISE_MAINTENANCE;
        c.spendThreshold = spendThreshold;
        _maintenanceBucket[community] = maintenanceBucket;
        _setCommittee(community, members, threshold, 0);
        emit SettingsSet(community, spendThreshold, maintenanceBucket, ORDINARY, RAISE_MAINTENANCE, 0);
    }

    /// @notice Replaces the committee (members, M) as approved by proposal `proposalId`, whose
    ///         action is `committeeActionHash(community, members, threshold)`. Approvals of open
    ///         proposals by members who leave stop counting.
    /// @param community the community id
    /// @param proposalId the approving proposal
    /// @param members the new members
    /// @param threshold the new M
    function changeCommittee(bytes32 community, uint256 proposalId, address[] calldata members, uint8 threshold)
        external
    {
        _useProposal(community, proposalId, committeeActionHash(community, members, threshold));
        _setCommittee(community, members, threshold, proposalId);
    }

    /// @notice Changes the spending and policy settings as approved by proposal `proposalId`.
    /// @param community the community id
    /// @param proposalId the approving proposal (action: `settingsActionHash`)
    /// @param spendThreshold new threshold in fen
    /// @param maintenanceBucket the maintenance fund's bucket
    /// @param policyType decision type for policies
    /// @param maintenancePolicyType decision type for policies that send revenue to the maintenance fund
    function changeSettings(
        bytes32 community,
        uint256 proposalId,
        uint64 spendThreshold,
        bytes32 maintenanceBucket,
        uint8 policyType,
        uint8 maintenancePolicyType
    ) external {
        _useProposal(
            community,
            proposalId,
            settingsActionHash(community, spendThreshold, maintenanceBucket, policyType, maintenancePolicyType)
        );
        ruleOf(community, policyType);
        ruleOf(community, maintenancePolicyType);
        Committee storage c = _committees[community];
        c.spendThreshold = spendThreshold;
        c.policyType = policyType;
        c.maintenancePolicyType = maintenancePolicyType;
        _maintenanceBucket[community] = maintenanceBucket;
        emit SettingsSet(community, spendThreshold, maintenanceBucket, policyType, maintenancePolicyType, proposalId);
    }

    /// @notice Defines a community decision type (16-255) as approved by proposal `proposalId`.
    /// @param community the community id
    /// @param proposalId the approving proposal (action: `decisionTypeActionHash`)
    /// @param decisionType the new type id
    /// @param label short name, UTF-8 in 32 bytes
    /// @param rule how it is decided
    function defineDecisionType(
        bytes32 community,
        uint256 proposalId,
        uint8 decisionType,
        bytes32 label,
        Rule calldata rule
    ) external {
        if (decisionType < FIRST_CUSTOM) revert GovernanceInvalidRule(3);
        if (rule.passDen == 0 || rule.passNum > rule.passDen || rule.quorumNum > rule.quorumDen) {
            revert GovernanceInvalidRule(1);
        }
        if (!rule.area && !rule.heads) revert GovernanceInvalidRule(2);
        if (_customRules[community][decisionType].passDen != 0) {
            revert GovernanceDecisionTypeExists(community, decisionType);
        }
        _useProposal(community, proposalId, decisionTypeActionHash(community, decisionType, label, rule));
        _customRules[community][decisionType] = rule;
        emit DecisionTypeDefined(community, decisionType, label, rule, proposalId);
    }

    // ----------------------------------------------------------------------------- proposals

    /// @notice Publishes a proposal. The proposer must hold a role in the community and can never
    ///         approve it. `proposalId` must be the community's next number, so a re-sent proposal
    ///         is refused.
    /// @param community the community id
    /// @param proposalId the next proposal number (`nextProposalId`)
    /// @param decisionType owners' decision type it needs (0: committee approval only)
    /// @param actionHash the action it allows (see the `*ActionHash` helpers)
    /// @param documentHash the proposal document
    /// @param noticeHash public notice for the emergency procedure (art. 281), else 0
    /// @param deadline last moment it can be approved, voted on or used (unix seconds)
    /// @param label short description, UTF-8 in 32 bytes
    function propose(
        bytes32 community,
        uint256 proposalId,
        uint8 decisionType,
        bytes32 actionHash,
        bytes32 documentHash,
        bytes32 noticeHash,
        uint64 deadline,
        bytes32 label
    ) external {
        Committee storage c = _committees[community];
        if (c.epoch == 0) revert GovernanceNoCommittee(community);
        _requireOfficer(community, msg.sender, true);
        uint256 expected = uint256(c.proposalCount) + 1;
        if (proposalId != expected) revert GovernanceWrongProposalId(community, expected, proposalId);
        if (decisionType != 0) ruleOf(community, decisionType);
        if (noticeHash != 0 && decisionType != 0) revert GovernanceInvalidEmergency(community);
        uint64 nowTime = uint64(block.timestamp);
        if (deadline <= nowTime || deadline > nowTime + MAX_LIFETIME) revert GovernanceInvalidDeadline(deadline, nowTime);
        uint256 previous = _byAction[community][actionHash];
        if (previous != 0 && _isLive(_proposals[community][previous])) {
            revert GovernanceDuplicateAction(community, actionHash, previous);
        }
        c.proposalCount = uint64(proposalId);
        _byAction[community][actionHash] = proposalId;
        _proposals[community][proposalId] = Proposal({
            proposer: msg.sender,
            deadline: deadline,
            decisionType: decisionType,
            status: OPEN,
            vote: 0,
            emergency: noticeHash != 0,
            actionHash: actionHash,
            documentHash: documentHash
        });
        emit ProposalCreated(
            community, proposalId, msg.sender, decisionType, actionHash, documentHash, noticeHash, deadline, label
        );
    }

    /// @notice Relays a committee member's own signed approval or rejection (anyone may relay).
    /// @param community the community id
    /// @param proposalId the proposal
    /// @param member the member who signed
    /// @param approve true to approve, false to reject
    /// @param expiry the signature's expiry (unix seconds)
    /// @param signature the member's EIP-712 signature over `approvalDigest(...)` (ERC-1271 for contract wallets)
    function sign(
        bytes32 community,
        uint256 proposalId,
        address member,
        bool approve,
        uint64 expiry,
        bytes calldata signature
    ) external {
        Proposal storage p = _open(community, proposalId);
        if (expiry < block.timestamp) revert GovernanceSignatureExpired(expiry, uint64(block.timestamp));
        if (!isMember(community, member)) revert GovernanceNotMember(community, member);
        bytes32 digest = approvalDigest(community, proposalId, approve, expiry);
        if (!SignatureChecker.isValidSignatureNow(member, digest, signature)) {
            revert GovernanceBadSignature(community, proposalId, member);
        }
        (uint8 approvals, uint8 rejections) = _count(community, proposalId, member);
        if (approve && member == p.proposer) revert GovernanceProposerCannotApprove(community, proposalId, member);
        _signatures[community][proposalId].push(uint256(uint160(member)) | (approve ? APPROVED : 0));
        // Cannot overflow: at most 15 members are current.
        unchecked {
            if (approve) ++approvals;
            else ++rejections;
        }
        emit ProposalSigned(community, proposalId, member, approve, approvals, rejections);
        Committee storage c = _committees[community];
        // Cannot underflow: 1 <= threshold <= size.
        unchecked {
            if (rejections > c.size - c.threshold) {
                p.status = REJECTED;
                emit ProposalRejected(community, proposalId);
            }
        }
    }

    /// @notice Records the owners' vote on a proposal and checks it against its decision type.
    ///         Recorded whether it passes or fails; a failed vote closes the proposal.
    /// @param community the community id
    /// @param proposalId the proposal voted on
    /// @param tally the reconciled count (paper ballots included)
    /// @param ballotHash hash of the ballot record
    function recordVote(bytes32 community, uint256 proposalId, Tally calldata tally, bytes32 ballotHash) external {
        _roles.checkRole(community, Roles.COMMITTEE, msg.sender);
        Proposal storage p = _open(community, proposalId);
        if (p.decisionType == 0) revert GovernanceNoVoteNeeded(community, proposalId);
        if (p.vote != 0) revert GovernanceVoteAlreadyRecorded(community, proposalId);
        Rule memory rule = ruleOf(community, p.decisionType);
        (bool quorumMet, bool passed) = evaluate(rule, tally);
        p.vote = passed ? VOTE_PASSED : VOTE_FAILED;
        if (!passed) p.status = FAILED;
        emit VoteRecorded(community, proposalId, p.decisionType, rule, tally, ballotHash, quorumMet, passed, msg.sender);
    }

    /// @notice Marks a proposal past its deadline as expired (anyone).
    /// @param community the community id
    /// @param proposalId the proposal
    function expire(bytes32 community, uint256 proposalId) external {
        Proposal storage p = _proposals[community][proposalId];
        if (p.status == 0) revert GovernanceUnknownProposal(community, proposalId);
        if (p.status != OPEN) revert GovernanceProposalClosed(community, proposalId, p.status);
        if (block.timestamp <= p.deadline) revert GovernanceNotExpired(community, proposalId, p.deadline);
        p.status = EXPIRED;
        emit ProposalExpired(community, proposalId, p.deadline);
    }

    // ----------------------------------------------------------------------------- policies

    /// @notice Activates the policy approved by proposal `proposalId` on the revenue ledger. The
    ///         proposal's decision type must be the community's policy type (its maintenance
    ///         policy type when a bucket is the maintenance fund), with a passed vote and M
    ///         approvals. The ledger checks the effective date (not before today) and `seq`.
    /// @param community the community id
    /// @param seq the revenue ledger's next sequence number for the community
    /// @param proposalId the approving proposal (action: `policyActionHash`)
    /// @param buckets bucket slugs
    /// @param bps basis points per bucket
    /// @param effectiveDate first business date it splits
    function enactPolicy(
        bytes32 community,
        uint64 seq,
        uint256 proposalId,
        bytes32[] calldata buckets,
        uint16[] calldata bps,
        uint32 effectiveDate
    ) external {
        Committee storage c = _committees[community];
        uint8 required = c.policyType;
        bytes32 maintenance = _maintenanceBucket[community];
        for (uint256 i; i < buckets.length; ++i) {
            if (buckets[i] == maintenance) required = c.maintenancePolicyType;
        }
        Proposal storage p = _proposals[community][proposalId];
        if (p.status != 0 && p.decisionType != required) {
            revert GovernanceWrongDecisionType(community, proposalId, required, p.decisionType);
        }
        _useProposal(community, proposalId, policyActionHash(community, buckets, bps, effectiveDate));
        _activate(community, seq, buckets, bps, effectiveDate, p.documentHash, proposalId, required);
    }

    /// @notice A community without a committee activates policies as before governance: a
    ///         committee-role holder, alone. Refused once the committee is set up.
    /// @param community the community id
    /// @param seq the revenue ledger's next sequence number for the community
    /// @param buckets bucket slugs
    /// @param bps basis points per bucket
    /// @param effectiveDate first business date it splits
    /// @param decisionHash hash of the decision record
    function activatePolicy(
        bytes32 community,
        uint64 seq,
        bytes32[] calldata buckets,
        uint16[] calldata bps,
        uint32 effectiveDate,
        bytes32 decisionHash
    ) external {
        _roles.checkRole(community, Roles.COMMITTEE, msg.sender);
        if (_committees[community].epoch != 0) revert GovernanceUseProposal(community);
        _activate(community, seq, buckets, bps, effectiveDate, decisionHash, 0, 0);
    }

    // ----------------------------------------------------------------------------- IGovernance

    /// @inheritdoc IGovernance
    function authorizeSpend(bytes32 community, bytes32 bucket, uint64 amount, bytes32 actionHash) external {
        if (msg.sender != address(_revenue)) revert GovernanceOnlyRevenue(msg.sender);
        Committee storage c = _committees[community];
        if (c.epoch == 0) return; // not governed yet: as before governance
        bool maintenance = bucket == _maintenanceBucket[community];
        if (!maintenance && amount <= c.spendThreshold) return;
        uint256 id = _byAction[community][actionHash];
        if (id == 0) revert GovernanceApprovalRequired(community, actionHash, amount, c.spendThreshold);
        Proposal storage p = _proposals[community][id];
        if (maintenance && p.decisionType != MAINTENANCE_USE && !p.emergency) {
            revert GovernanceMaintenanceNeedsOwners(community, id);
        }
        _consume(community, id, p);
    }

    /// @inheritdoc IGovernance
    function consumeApproval(bytes32 community, bytes32 actionHash)
        external
        returns (uint256 proposalId, uint8 decisionType)
    {
        if (!_linked[msg.sender]) revert GovernanceNotLinked(msg.sender);
        proposalId = _byAction[community][actionHash];
        if (proposalId == 0) revert GovernanceApprovalRequired(community, actionHash, 0, 0);
        Proposal storage p = _proposals[community][proposalId];
        _consume(community, proposalId, p);
        return (proposalId, p.decisionType);
    }

    // ----------------------------------------------------------------------------- views

    /// @notice The rule of a decision type in a community (types 1-5: the statute's defaults).
    /// @param community the community id
    /// @param decisionType the type
    /// @return rule the rule
    function ruleOf(bytes32 community, uint8 decisionType) public view returns (Rule memory rule) {
        if (decisionType == ORDINARY || decisionType == MAINTENANCE_USE) {
            // art. 278: quorum 2/3 of area and heads; more than half of the participating.
            return Rule(2, 3, 1, 2, false, false, true, true);
        }
        if (decisionType == RAISE_MAINTENANCE || decisionType == REBUILD || decisionType == COMMON_PARTS) {
            // art. 278: quorum 2/3; at least 3/4 of the participating area and heads.
            return Rule(2, 3, 3, 4, true, false, true, true);
        }
        rule = _customRules[community][decisionType];
        if (decisionType < FIRST_CUSTOM || rule.passDen == 0) {
            revert GovernanceUnknownDecisionType(community, decisionType);
        }
    }

    /// @notice Checks a tally against a rule with integer arithmetic only (the same check
    ///         `recordVote` makes), refusing an inconsistent tally.
    /// @param rule the rule
    /// @param t the tally
    /// @return quorumMet whether participation meets the quorum on every counted measure
    /// @return passed whether the quorum is met and yes meets the threshold on every counted measure
    function evaluate(Rule memory rule, Tally calldata t) public pure returns (bool quorumMet, bool passed) {
        if ((rule.area && t.totalArea == 0) || (rule.heads && t.totalUnits == 0)) revert GovernanceInvalidTally(1);
        if (t.participatingArea > t.totalArea || t.participatingUnits > t.totalUnits) revert GovernanceInvalidTally(2);
        if (t.yesArea > t.participatingArea || t.yesUnits > t.participatingUnits) revert GovernanceInvalidTally(3);
        if (t.paperArea > t.participatingArea || t.paperUnits > t.participatingUnits) revert GovernanceInvalidTally(4);
        quorumMet = true;
        passed = true;
        if (rule.area) {
            quorumMet = _atLeast(t.participatingArea, t.totalArea, rule.quorumNum, rule.quorumDen);
            passed = _passes(rule, t.yesArea, rule.passOfTotal ? t.totalArea : t.participatingArea);
        }
        if (rule.heads) {
            quorumMet = quorumMet && _atLeast(t.participatingUnits, t.totalUnits, rule.quorumNum, rule.quorumDen);
            passed = passed && _passes(rule, t.yesUnits, rule.passOfTotal ? t.totalUnits : t.participatingUnits);
        }
        passed = passed && quorumMet;
    }

    /// @notice What a member signs to approve or reject a proposal (EIP-712; the domain binds the
    ///         chain id and this contract).
    /// @param community the community id
    /// @param proposalId the proposal
    /// @param approve true to approve, false to reject
    /// @param expiry the signature's expiry
    /// @return digest the hash to sign
    function approvalDigest(bytes32 community, uint256 proposalId, bool approve, uint64 expiry)
        public
        view
        returns (bytes32 digest)
    {
        Proposal storage p = _proposals[community][proposalId];
        if (p.status == 0) revert GovernanceUnknownProposal(community, proposalId);
        return _hashTypedDataV4(
            keccak256(
                abi.encode(APPROVAL_TYPEHASH, community, proposalId, p.actionHash, p.documentHash, approve, expiry)
            )
        );
    }

    /// @notice The action a policy proposal allows.
    /// @param community the community id
    /// @param buckets bucket slugs
    /// @param bps basis points
    /// @param effectiveDate first business date
    /// @return actionHash keccak256(abi.encode(keccak256("civic.action.policy"), community, buckets, bps, effectiveDate))
    function policyActionHash(bytes32 community, bytes32[] calldata buckets, uint16[] calldata bps, uint32 effectiveDate)
        public
        pure
        returns (bytes32 actionHash)
    {
        return keccak256(abi.encode(POLICY_ACTION, community, buckets, bps, effectiveDate));
    }

    /// @notice The action a committee change allows.
    /// @param community the community id
    /// @param members the new members
    /// @param threshold the new M
    /// @return actionHash keccak256(abi.encode(keccak256("civic.action.committee"), community, members, threshold))
    function committeeActionHash(bytes32 community, address[] calldata members, uint8 threshold)
        public
        pure
        returns (bytes32 actionHash)
    {
        return keccak256(abi.encode(COMMITTEE_ACTION, community, members, threshold));
    }

    /// @notice The action a settings change allows.
    /// @param community the community id
    /// @param spendThreshold threshold in fen
    /// @param maintenanceBucket the maintenance fund's bucket
    /// @param policyType decision type for policies
    /// @param maintenancePolicyType decision type for policies feeding the maintenance fund
    /// @return actionHash keccak256(abi.encode(keccak256("civic.action.settings"), community, spendThreshold,
    ///         maintenanceBucket, policyType, maintenancePolicyType))
    function settingsActionHash(
        bytes32 community,
        uint64 spendThreshold,
        bytes32 maintenanceBucket,
        uint8 policyType,
        uint8 maintenancePolicyType
    ) public pure returns (bytes32 actionHash) {
        return keccak256(
            abi.encode(SETTINGS_ACTION, community, spendThreshold, maintenanceBucket, policyType, maintenancePolicyType)
        );
    }

    /// @notice The action defining a decision type allows.
    /// @param community the community id
    /// @param decisionType the type id
    /// @param label its short name
    /// @param rule its rule
    /// @return actionHash keccak256(abi.encode(keccak256("civic.action.decision_type"), community, decisionType,
    ///         label, rule))
    function decisionTypeActionHash(bytes32 community, uint8 decisionType, bytes32 label, Rule calldata rule)
        public
        pure
        returns (bytes32 actionHash)
    {
        return keccak256(abi.encode(DECISION_TYPE_ACTION, community, decisionType, label, rule));
    }

    /// @notice Whether `account` is a member of the community's current committee.
    /// @param community the community id
    /// @param account the address
    /// @return member whether it is
    function isMember(bytes32 community, address account) public view returns (bool member) {
        uint32 epoch = _committees[community].epoch;
        return epoch != 0 && _memberEpoch[community][account] == epoch;
    }

    /// @notice The current committee.
    /// @param community the community id
    /// @return epoch its version (0: never set up)
    /// @return members the members
    /// @return threshold approvals needed
    function committee(bytes32 community)
        external
        view
        returns (uint32 epoch, address[] memory members, uint8 threshold)
    {
        Committee storage c = _committees[community];
        return (c.epoch, _members[community], c.threshold);
    }

    /// @notice The community's spending and policy settings.
    /// @param community the community id
    /// @return spendThreshold fen above which spending needs a proposal
    /// @return maintenanceBucket the maintenance fund's bucket
    /// @return policyType decision type for policies
    /// @return maintenancePolicyType decision type for policies feeding the maintenance fund
    function settings(bytes32 community)
        external
        view
        returns (uint64 spendThreshold, bytes32 maintenanceBucket, uint8 policyType, uint8 maintenancePolicyType)
    {
        Committee storage c = _committees[community];
        return (c.spendThreshold, _maintenanceBucket[community], c.policyType, c.maintenancePolicyType);
    }

    /// @notice A proposal's state.
    /// @param community the community id
    /// @param proposalId the proposal
    /// @return p the stored proposal (status 1 open, 2 used, 3 vote failed, 4 rejected, 5 expired)
    /// @return approvals approvals by current committee members
    /// @return rejections rejections by current committee members
    function proposal(bytes32 community, uint256 proposalId)
        external
        view
        returns (Proposal memory p, uint8 approvals, uint8 rejections)
    {
        p = _proposals[community][proposalId];
        if (p.status == 0) revert GovernanceUnknownProposal(community, proposalId);
        (approvals, rejections) = _count(community, proposalId, address(0));
    }

    /// @notice The number the community's next proposal must carry.
    /// @param community the community id
    /// @return proposalId the next number
    function nextProposalId(bytes32 community) external view returns (uint256 proposalId) {
        return uint256(_committees[community].proposalCount) + 1;
    }

    /// @notice The revenue ledger's next sequence number for the community: policy activations
    ///         through governance take their number from the ledger's stream.
    /// @param community the community id
    /// @return seq the expected sequence number
    function nextSeq(bytes32 community) external view returns (uint64 seq) {
        return _revenue.nextSeq(community);
    }

    /// @notice Whether a contract may use approvals.
    /// @param linked the contract
    /// @return allowed whether it may
    function isLinked(address linked) external view returns (bool allowed) {
        return _linked[linked];
    }

    // ----------------------------------------------------------------------------- internals

    function _setCommittee(bytes32 community, address[] calldata members, uint8 threshold, uint256 proposalId)
        private
    {
        uint256 n = members.length;
        if (n == 0 || n > MAX_MEMBERS) revert GovernanceInvalidCommittee(community, 1);
        if (threshold == 0 || threshold > n) revert GovernanceInvalidCommittee(community, 2);
        Committee storage c = _committees[community];
        uint32 epoch = c.epoch + 1;
        for (uint256 i; i < n; ++i) {
            address m = members[i];
            if (m == address(0) || _memberEpoch[community][m] == epoch) revert GovernanceInvalidCommittee(community, 3);
            _memberEpoch[community][m] = epoch;
        }
        c.epoch = epoch;
        c.threshold = threshold;
        c.size = uint8(n);
        _members[community] = members;
        emit CommitteeSet(community, epoch, members, threshold, proposalId);
    }

    function _activate(
        bytes32 community,
        uint64 seq,
        bytes32[] calldata buckets,
        uint16[] calldata bps,
        uint32 effectiveDate,
        bytes32 decisionHash,
        uint256 proposalId,
        uint8 decisionType
    ) private {
        _revenue.activatePolicy(community, seq, buckets, bps, effectiveDate, decisionHash);
        uint32 version = _revenue.policyCount(community);
        emit PolicyEnacted(community, proposalId, version, decisionType, decisionHash);
    }

    /// @dev Checks a proposal exists for exactly `actionHash` and is usable, and uses it.
    function _useProposal(bytes32 community, uint256 proposalId, bytes32 actionHash) private {
        Proposal storage p = _proposals[community][proposalId];
        if (p.status == 0) revert GovernanceUnknownProposal(community, proposalId);
        if (p.actionHash != actionHash) revert GovernanceWrongAction(community, proposalId, actionHash);
        _requireOfficer(community, msg.sender, false);
        _consume(community, proposalId, p);
    }

    /// @dev The one place a proposal is used: open, in time, M current approvals, vote passed
    ///      when it needs one (the emergency procedure needs none).
    function _consume(bytes32 community, uint256 proposalId, Proposal storage p) private {
        if (p.status != OPEN) revert GovernanceProposalClosed(community, proposalId, p.status);
        if (block.timestamp > p.deadline) revert GovernanceProposalExpired(community, proposalId, p.deadline);
        (uint8 approvals,) = _count(community, proposalId, address(0));
        uint8 required = _committees[community].threshold;
        if (approvals < required) revert GovernanceNotApproved(community, proposalId, approvals, required);
        if (p.decisionType != 0 && p.vote != VOTE_PASSED) {
            revert GovernanceVoteRequired(community, proposalId, p.decisionType);
        }
        p.status = USED;
        emit ApprovalUsed(community, proposalId, p.actionHash, p.decisionType, p.emergency, msg.sender);
    }

    function _open(bytes32 community, uint256 proposalId) private view returns (Proposal storage p) {
        p = _proposals[community][proposalId];
        if (p.status == 0) revert GovernanceUnknownProposal(community, proposalId);
        if (p.status != OPEN) revert GovernanceProposalClosed(community, proposalId, p.status);
        if (block.timestamp > p.deadline) revert GovernanceProposalExpired(community, proposalId, p.deadline);
    }

    function _isLive(Proposal storage p) private view returns (bool) {
        return p.status == OPEN && block.timestamp <= p.deadline;
    }

    /// @dev Signatures by members of the current committee only: a member who left stops counting.
    ///      Refuses a second signature by `signer` (zero: no one is about to sign).
    function _count(bytes32 community, uint256 proposalId, address signer)
        private
        view
        returns (uint8 approvals, uint8 rejections)
    {
        uint256[] storage signatures = _signatures[community][proposalId];
        uint32 epoch = _committees[community].epoch;
        uint256 n = signatures.length;
        for (uint256 i; i < n; ++i) {
            uint256 word = signatures[i];
            address m = address(uint160(word));
            if (m == signer) revert GovernanceAlreadySigned(community, proposalId, signer);
            if (_memberEpoch[community][m] != epoch) continue;
            // Cannot overflow: at most 15 members are current.
            unchecked {
                if (word & APPROVED != 0) ++approvals;
                else ++rejections;
            }
        }
    }

    /// @dev Proposers hold a role in the community; executors are its admin, committee or accountant.
    function _requireOfficer(bytes32 community, address account, bool proposing) private view {
        if (
            _roles.hasRole(community, Roles.ACCOUNTANT, account) || _roles.hasRole(community, Roles.COMMITTEE, account)
                || _roles.hasRole(community, Roles.ADMIN, account)
        ) return;
        if (
            proposing
                && (
                    _roles.hasRole(community, Roles.FUND_KEEPER, account)
                        || _roles.hasRole(community, Roles.COORDINATOR, account)
                )
        ) return;
        revert GovernanceNotOfficer(community, account);
    }

    /// @dev part >= num/den of whole, i.e. part * den >= num * whole; no quorum when den is 0.
    function _atLeast(uint256 part, uint256 whole, uint8 num, uint8 den) private pure returns (bool) {
        if (den == 0) return true;
        return part * den >= whole * num;
    }

    function _passes(Rule memory rule, uint256 yes, uint256 base) private pure returns (bool) {
        uint256 lhs = yes * rule.passDen;
        uint256 rhs = base * rule.passNum;
        return rule.passInclusive ? lhs >= rhs : lhs > rhs;
    }
}
