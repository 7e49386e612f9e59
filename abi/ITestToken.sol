// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.23;

// The repo's plain test token (tests/fixtures/test-token), which damm-node
// deploys as token0 and token1: an 18-decimal ERC-20 anyone may mint.
// Written by hand: the token routes selectors itself; its tests call every
// function below through this file's selectors.
interface ITestToken {
    function mint(address to, uint256 value) external;
    function totalSupply() external view returns (uint256);
    function decimals() external view returns (uint8);
    function balanceOf(address account) external view returns (uint256);
    function allowance(address owner, address spender) external view returns (uint256);
    function approve(address spender, uint256 value) external returns (bool);
    function transfer(address to, uint256 value) external returns (bool);
    function transferFrom(address from, address to, uint256 value) external returns (bool);

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);
}
